using SmartMaintenance.Security;

namespace SmartMaintenance.Server.Auth;

/// <summary>One authorization policy per scope, named after the scope.</summary>
internal static class AuthorizationExtensions
{
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null);
        var builder = services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            builder.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(SmxClaims.Scope, scope));
        }

        return services;
    }
}
