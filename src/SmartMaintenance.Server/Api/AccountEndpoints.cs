using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Server.Auth;

namespace SmartMaintenance.Server.Api;

/// <summary>The web UI's sign-in and sign-out form posts (antiforgery-checked); the pages themselves are Blazor.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signin", SignInAsync).ExcludeFromDescription();
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
        var target = string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? "/"
            : returnUrl;
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password)
            || await users.VerifyAsync(username, password, context.RequestAborted) is not { } user)
        {
            logger.LogWarning("Failed sign-in for {Username}", username);
            return Results.LocalRedirect($"/signin?failed=1&return_url={Uri.EscapeDataString(target)}");
        }

        await UserSignIn.SignInAsync(context, user);
        logger.LogInformation("User {UserId} signed in", user.Id);
        return Results.LocalRedirect(target);
    }
}
