using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace SmartMaintenance.Server.Auth;

/// <summary>
/// Open pages keep their circuit's user until told otherwise: every minute the session is checked again (the user is
/// still there, enabled, and has the password it signed in with); a stale one turns the page into the sign-in redirect.
/// </summary>
internal sealed class SessionRevalidation(ILoggerFactory loggers, UserSignIn users)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        if (state.User.Identity?.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme)
        {
            return true;
        }

        return await users.IsCurrentAsync(state.User, cancellationToken);
    }
}
