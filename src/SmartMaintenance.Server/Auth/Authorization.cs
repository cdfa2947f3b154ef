using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

using SmartMaintenance.Security;

namespace SmartMaintenance.Server.Auth;

/// <summary>
/// Two ways in: machines send an API key (the <c>/api</c> and <c>/hubs</c> paths, or any request with the header),
/// people sign in to the web UI with a cookie. One authorization policy per scope, named after the scope, serves both.
/// </summary>
internal static class AuthorizationExtensions
{
    /// <summary>Picks the scheme per request.</summary>
    public const string SelectorScheme = "smx";

    public static IServiceCollection AddPlatformAuth(this IServiceCollection services)
    {
        services.AddSharedKeyRing();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyIssuer>();
        services.AddSingleton<UserSignIn>();
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "API key or session cookie", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                || context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs")
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(options =>
            {
                options.LoginPath = "/signin";
                options.ReturnUrlParameter = "return_url";
                options.AccessDeniedPath = "/";
                options.Cookie.Name = "smx_session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                // A disabled user, or one whose password was reset, is signed out at the next page request.
                options.Events.OnValidatePrincipal = async context =>
                {
                    var users = context.HttpContext.RequestServices.GetRequiredService<UserSignIn>();
                    if (context.Principal is null || !await users.IsCurrentAsync(context.Principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        var builder = services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            builder.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(SmxClaims.Scope, scope));
        }

        return services;
    }
}
