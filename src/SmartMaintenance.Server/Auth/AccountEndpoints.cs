using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Auth;

/// <summary>The web UI's sign-in and sign-out form posts (antiforgery-checked); the pages themselves are Blazor.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signin", SignInAsync).ExcludeFromDescription().RequireRateLimiting(HttpPipelineExtensions.SignInRateLimit);
        app.MapGet("/account/culture", SetCulture).ExcludeFromDescription().AllowAnonymous();
        app.MapPost("/account/password", ChangePasswordAsync).ExcludeFromDescription().RequireAuthorization()
            .RequireRateLimiting(HttpPipelineExtensions.SignInRateLimit);
        app.MapPost("/account/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/signin");
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, UserSignIn users, ILogger<UserSignIn> logger,
        [FromForm] string? username, [FromForm] string? password, [FromForm(Name = "return_url")] string? returnUrl)
    {
        var target = LocalOrRoot(returnUrl);
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password)
            || await users.VerifyAsync(username, password, context.RequestAborted) is not { } user)
        {
            logger.LogWarning("Failed sign-in for {Username}", username);
            return Results.LocalRedirect($"/signin?failed=1&return_url={Uri.EscapeDataString(target)}");
        }

        await users.SignInAsync(context, user);
        logger.LogInformation("User {UserId} signed in", user.Id);
        return Results.LocalRedirect(target);
    }

    /// <summary>
    /// A person changes their own password: the current one is checked, the new one set, and this session signed in
    /// again with it; every other session of the user ends at its next check.
    /// </summary>
    private static async Task<IResult> ChangePasswordAsync(
        HttpContext context, UserSignIn users, IEventLog audit, ILogger<UserSignIn> logger,
        [FromForm] string? current, [FromForm(Name = "new")] string? next, [FromForm] string? confirm)
    {
        if (context.User.Identity?.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme)
        {
            return Results.LocalRedirect("/signin");
        }

        UserAccount? user = null;
        var error = next is not { Length: >= 12 } ? "short"
            : next != confirm ? "mismatch"
            : (user = await users.ChangePasswordAsync(context.User.KeyIdOf(), current ?? "", next, context.RequestAborted)) is null ? "wrong"
            : null;
        if (user is null)
        {
            logger.LogWarning("Password change refused for user {UserId}: {Reason}", context.User.KeyIdOf(), error);
            return Results.LocalRedirect($"/account/password?error={error}");
        }

        await users.SignInAsync(context, user);
        await audit.RecordAsync(user.TenantId, AgentEventTypes.UserPasswordChanged, Guid.NewGuid().ToString("N"), context.User.ActorOf(),
            new UserChanged(user.Username));
        return Results.LocalRedirect("/account/password?changed=1");
    }

    /// <summary>The language picker: remembers the choice in the culture cookie for a year and goes back.</summary>
    private static IResult SetCulture(HttpContext context, string? culture, [FromQuery(Name = "return_url")] string? returnUrl)
    {
        if (culture is null || !UiText.Cultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
        {
            return Results.Problem($"culture must be one of {string.Join(", ", UiText.Cultures)}.", statusCode: 400, title: "Unsupported culture");
        }

        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return Results.LocalRedirect(LocalOrRoot(returnUrl));
    }

    /// <summary>
    /// A path on this site to go back to; anything else (other sites, "//host", "/\\host", or control characters that a
    /// browser drops, turning "/\t/host" into "//host") becomes the root.
    /// </summary>
    internal static string LocalOrRoot(string? url) =>
        string.IsNullOrEmpty(url) || url[0] != '/' || (url.Length > 1 && url[1] is '/' or '\\') || url.Any(char.IsControl) ? "/" : url;
}
