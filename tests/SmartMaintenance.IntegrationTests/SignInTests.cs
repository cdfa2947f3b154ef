using System.Net;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SmartMaintenance.IntegrationTests;

/// <summary>People's sign-in at the HTTP level (the browser tests drive the same pages in Chromium).</summary>
public sealed partial class SignInTests
{
    private const string Password = "integration-admin-password";

    private static async Task<(HttpClient Client, string Token)> OpenSignInAsync(SmartMaintenanceApplication app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/signin");
        return (client, AntiforgeryField().Match(page).Groups[1].Value);
    }

    internal static FormUrlEncodedContent Form(string token, string password, string returnUrl) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token,
        ["username"] = "admin",
        ["password"] = password,
        ["return_url"] = returnUrl,
    });

    [Fact]
    public async Task The_seeded_admin_signs_in_and_is_sent_back_where_they_were_going_but_never_off_site()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ADMIN_PASSWORD"] = Password });
        var (client, token) = await OpenSignInAsync(app);

        var anonymous = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/signin?return_url=%2F", anonymous.Headers.Location!.ToString(), StringComparison.Ordinal);

        var wrong = await client.PostAsync("/account/signin", Form(token, "nope", "/"));
        Assert.Equal("/signin?failed=1&return_url=%2F", wrong.Headers.Location!.ToString());

        var offSite = await client.PostAsync("/account/signin", Form(token, Password, "//evil.example/"));
        Assert.Equal("/", offSite.Headers.Location!.ToString());
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Fleet overview", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("https", true)]
    public async Task The_session_cookie_is_secure_when_a_proxy_says_the_client_came_over_https(string? forwardedProto, bool secure)
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ADMIN_PASSWORD"] = Password });
        var (client, token) = await OpenSignInAsync(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin") { Content = Form(token, Password, "/") };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        var response = await client.SendAsync(request);

        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("smx_session=", StringComparison.Ordinal));
        Assert.Equal(secure, session.Contains("; secure", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ADMIN_PASSWORD"] = Password });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/signin", Form("", Password, "/"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Without_a_configured_password_the_first_start_writes_one_for_the_owner_only()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin")).StatusCode);

        var file = Path.Combine(app.DataDir, "admin-password");
        Assert.True(File.ReadAllText(file).Trim().Length >= 20);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Disabling_a_user_or_resetting_the_password_ends_the_sessions_already_open()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ADMIN_PASSWORD"] = Password });
        var signIn = app.Services.GetRequiredService<SmartMaintenance.Server.Auth.UserSignIn>();
        var store = app.Services.GetRequiredService<SmartMaintenance.Storage.IUserStore>();
        var vera = await signIn.CreateAsync(SmartMaintenance.Domain.Tenant.DefaultId, "vera", "Vera", SmartMaintenance.Security.Role.Viewer,
            "vera-password-123", CancellationToken.None);
        Assert.NotNull(vera);

        async Task<HttpClient> SignedInAsync(string password)
        {
            var (client, token) = await OpenSignInAsync(app);
            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["username"] = "vera",
                ["password"] = password,
                ["return_url"] = "/",
            });
            Assert.Equal("/", (await client.PostAsync("/account/signin", form)).Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
            return client;
        }

        // Disabled: the open session is turned away at its next request; enabled again, signing in works.
        var session = await SignedInAsync("vera-password-123");
        Assert.True(await store.SetDisabledAsync(vera.TenantId, vera.Id, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/")).StatusCode);
        Assert.Null(await signIn.VerifyAsync("vera", "vera-password-123", CancellationToken.None));
        Assert.True(await store.SetDisabledAsync(vera.TenantId, vera.Id, null, CancellationToken.None));

        // A new password: the session signed in with the old one ends; the new one signs in, the old one no longer.
        session = await SignedInAsync("vera-password-123");
        Assert.True(await signIn.SetPasswordAsync(vera, "vera-new-password-456", CancellationToken.None));
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/")).StatusCode);
        Assert.Null(await signIn.VerifyAsync("vera", "vera-password-123", CancellationToken.None));
        await SignedInAsync("vera-new-password-456");
    }

    [Fact]
    public async Task Password_guessing_is_slowed_to_ten_attempts_a_minute_and_the_form_says_why()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ADMIN_PASSWORD"] = Password });
        var (client, token) = await OpenSignInAsync(app);

        for (var i = 0; i < 10; i++)
        {
            var wrong = await client.PostAsync("/account/signin", Form(token, "guess-" + i, "/"));
            Assert.StartsWith("/signin?failed=1", wrong.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        // The eleventh attempt in the minute is turned away even with the right password.
        var throttled = await client.PostAsync("/account/signin", Form(token, Password, "/"));
        Assert.Equal(HttpStatusCode.SeeOther, throttled.StatusCode);
        Assert.Equal("/signin?throttled=1", throttled.Headers.Location!.ToString());
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts", await client.GetStringAsync("/signin?throttled=1"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    internal static partial Regex AntiforgeryField();
}
