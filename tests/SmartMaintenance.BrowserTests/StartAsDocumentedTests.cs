using System.Text.RegularExpressions;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>
/// The product started the two ways the README documents — its quick-start line in the repository, and the published
/// output from another working folder — gives a styled, interactive, live UI. One class, so the two builds (dotnet
/// run's and the publish) never run at once on the same intermediate folder.
/// </summary>
public sealed partial class StartAsDocumentedTests
{
    [Fact]
    public async Task The_readme_quick_start_gives_a_styled_live_ui()
    {
        var (environment, command) = DocumentedStart.QuickStart();
        Assert.Equal(["dotnet", "run"], command.Take(2));

        await using var product = await DocumentedStart.StartAsync(command, DocumentedStart.RepositoryRoot, environment);

        await AssertStyledAndLiveAsync(product, environment["SMX_ADMIN_PASSWORD"], "quick-start");
    }

    [Fact]
    public async Task The_published_output_started_from_another_folder_gives_a_styled_live_ui()
    {
        var (environment, command) = DocumentedStart.QuickStart();
        var root = Directory.CreateTempSubdirectory("smx-published-").FullName;
        try
        {
            var app = Path.Combine(root, "app");
            var elsewhere = Directory.CreateDirectory(Path.Combine(root, "service-folder")).FullName;
            await DocumentedStart.RunToEndAsync(DocumentedStart.RepositoryRoot,
                "dotnet", "publish", "src/SmartMaintenance.Server", "-c", "Release", "-o", app, "-nologo");
            // As the README's deployment lines say: the app's dll, the quick start's own arguments (after "--").
            var published = new List<string> { "dotnet", Path.Combine(app, "SmartMaintenance.Server.dll") };
            published.AddRange(command.SkipWhile(word => word != "--").Skip(1));

            await using var product = await DocumentedStart.StartAsync(published, elsewhere, environment);

            await AssertStyledAndLiveAsync(product, environment["SMX_ADMIN_PASSWORD"], "published");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task AssertStyledAndLiveAsync(DocumentedStart product, string adminPassword, string name)
    {
        // Every script and style sheet the sign-in page names is served, and not empty.
        using var http = new HttpClient { BaseAddress = new Uri(product.BaseUrl) };
        var signIn = await http.GetStringAsync("/signin");
        var assets = AssetReference().Matches(signIn).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.EndsWith("_framework/blazor.web.js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.Contains("MudBlazor", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await http.GetAsync(asset.TrimStart('/'));
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {(int)response.StatusCode}\n{product.Log}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, $"{asset}: empty body");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserHost.LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = product.BaseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(adminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet overview" })).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Interactive: the circuit is up (the prerendered page has been replaced), and a MudBlazor select opens its list of the demo's sites.
        await page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

        // Styled: MudBlazor's sheet is applied (its toolbar is a flex row; unstyled, a div is a block). Playwright's
        // assertion retries, so an element swapped out by the circuit's first render is read again, not as "".
        await Assertions.Expect(page.Locator(".mud-toolbar").First).ToHaveCSSAsync("display", "flex");

        await page.GetByLabel("Site").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = "Porto bottling plant" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");

        // Live: the demo fleet streams, and the stored-readings counter moves while the page is open.
        var total = page.GetByTestId("readings-total");
        var first = await total.InnerTextAsync();
        await Assertions.Expect(total).Not.ToHaveTextAsync(first, new() { Timeout = 20_000 });
        await BrowserHost.ScreenshotAsync(page, $"started-as-documented-{name}");

        Assert.DoesNotContain("The web UI cannot work", product.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("FileNotFoundException", product.Log, StringComparison.Ordinal);
    }

    [GeneratedRegex("(?:src|href)=\"([^\"]+\\.(?:js|css))\"")]
    private static partial Regex AssetReference();
}
