using System.Globalization;
using System.Net.Http.Json;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>
/// The real host on Kestrel (a free loopback port, a fresh data folder, the demo fleet streaming) and Debian's Chromium
/// driven by Playwright, headless. Playwright never downloads a browser here: it is pointed at <c>/usr/bin/chromium</c>
/// (or <c>SMX_CHROMIUM</c>). Shared by the tests of one class. The demo fleet's models (a minute of training at first
/// start) are trained only for <see cref="ModelledBrowserHost"/>.
/// </summary>
public class BrowserHost : IAsyncLifetime
{
    public const string AdminPassword = "browser-admin-password-1";
    public const string AdminKey = "browser-admin-key-0123456789abcdef";

    private readonly Factory _factory;

    public BrowserHost()
        : this(demoModels: false)
    {
    }

    protected BrowserHost(bool demoModels) => _factory = new Factory(demoModels);
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where screenshots go: <c>TestResults/screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium (or <c>SMX_CHROMIUM</c>), headless; never a browser Playwright downloads.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("SMX_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-dev-shm-usage"],
    });

    public async Task DisposeAsync()
    {
        Assert.True(PolicyViolations.IsEmpty, $"The UI's Content-Security-Policy blocked:\n{string.Join('\n', PolicyViolations)}");
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        try
        {
            await _factory.DisposeAsync();
        }
        catch (TaskCanceledException)
        {
            // The host's shutdown timed out: a page left while its chart was still loading plotly.js leaves the
            // browser's disconnect request unanswered (docs/ui.md, known limits). The tests wait for charts before
            // moving on; should a path still race, say so here rather than fail a class whose tests all passed.
            Console.Error.WriteLine("Browser test host: shutdown timed out waiting for an open connection (see docs/ui.md).");
        }
    }

    /// <summary>
    /// What the UI's Content-Security-Policy blocked in any page of this host, as the browser reported it. Every page
    /// runs under the policy the product sends; a blocked script, style or connection is a failure of the class.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> PolicyViolations { get; } = new();

    /// <summary>A fresh browser context (its own cookies) at a laptop's size, and its first page.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                PolicyViolations.Enqueue(message.Text);
            }
        };
        return await context.NewPageAsync();
    }

    /// <summary>A fresh page signed in through the sign-in form, on the fleet overview and live.</summary>
    public async Task<IPage> SignedInAsync(string username, string password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet overview" })).ToBeVisibleAsync();
        await LiveAsync(page);
        return page;
    }

    /// <summary>Navigates and waits until the page is live over its circuit (prerendered HTML ignores clicks and typing).</summary>
    public static async Task GoLiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await LiveAsync(page);
    }

    /// <summary>
    /// Waits until the current page is live over its circuit and its charts are drawn. Leaving a page while a chart is
    /// still loading plotly.js leaves the browser's disconnect request hanging in the server (see docs/ui.md), which
    /// then holds the test host's shutdown for its whole timeout; a person reading the page waits for the chart anyway.
    /// </summary>
    public static async Task LiveAsync(IPage page)
    {
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.sensor-chart')].every(c => c.querySelector('.main-svg'))",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
    }

    /// <summary>An HTTP client for the host's API that sends the given key (the seeded admin key by default).</summary>
    public HttpClient Api(string key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    /// <summary>A site, an asset on it and one sensor of the asset, created through the API (ids double as names unless one is given).</summary>
    public static async Task CreateSensorAsync(HttpClient api, string siteId, string assetId, string assetKind, string sensorId, string type,
        string unit, double expectedMin, double expectedMax, double sampleIntervalSeconds, string? assetName = null)
    {
        (await api.PutAsJsonAsync($"/api/v1/sites/{siteId}", new { name = siteId })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync($"/api/v1/assets/{assetId}", new { site_id = siteId, name = assetName ?? assetId, kind = assetKind })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync($"/api/v1/sensors/{sensorId}", new
        {
            asset_id = assetId,
            type,
            unit,
            expected_min = expectedMin,
            expected_max = expectedMax,
            sample_interval_seconds = sampleIntervalSeconds,
        })).EnsureSuccessStatusCode();
    }

    /// <summary>An admin's page creates a user (role Viewer) on the users page and sees it confirmed.</summary>
    public static async Task CreateUserAsync(IPage admin, string username, string displayName, string password)
    {
        await GoLiveAsync(admin, "/admin/users");
        await admin.GetByLabel("Username").FillAsync(username);
        await admin.GetByLabel("Display name").FillAsync(displayName);
        await admin.GetByLabel("Initial password (12 characters or more)").FillAsync(password);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-message")).ToContainTextAsync($"Created {username} (Viewer)");
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = fullPage });

    private sealed class Factory(bool demoModels) : WebApplicationFactory<Program>
    {
        private readonly string _dataDir = Directory.CreateTempSubdirectory("smx-ui-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("DATA_DIR", _dataDir);
            builder.UseSetting("DEMO", "true");
            builder.UseSetting("DEMO_MODELS", demoModels ? "true" : "false");
            builder.UseSetting("DEMO_MODEL_HISTORIES", "40");
            if (demoModels)
            {
                // Each asset assessed by its model at every refresh (once a minute), so the fleet page has a trend soon.
                builder.UseSetting("ASSESSMENT_INTERVAL", "00:00:05");
            }

            builder.UseSetting("ADMIN_API_KEY", AdminKey);
            builder.UseSetting("ADMIN_PASSWORD", AdminPassword);
            // Every browser test signs in from 127.0.0.1; the real limit (ten a minute) has its own HTTP test.
            builder.UseSetting("SIGNIN_ATTEMPTS_PER_MINUTE", "1000");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("SILO_PORT", FreePort().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("GATEWAY_PORT", FreePort().ToString(CultureInfo.InvariantCulture));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a finishing background write; the OS temp cleaner takes it.
            }
        }

    }
}

/// <summary>A <see cref="BrowserHost"/> whose demo fleet gets its trained models at start, as a user's does.</summary>
public sealed class ModelledBrowserHost() : BrowserHost(demoModels: true);
