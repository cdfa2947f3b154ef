using System.Globalization;
using System.Security.Claims;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Auth;

/// <summary>
/// People's sign-in: passwords hashed with ASP.NET Core Identity's hasher (PBKDF2, salted, versioned), a session
/// cookie whose claims are the same as an API key's (tenant, role, the role's scopes), so one set of policies serves both.
/// </summary>
internal sealed class UserSignIn(IUserStore users, TimeProvider time)
{
    private readonly PasswordHasher<UserAccount> _hasher = new();

    public async Task<UserAccount?> CreateAsync(long tenantId, string username, string displayName, Role role, string password,
        CancellationToken cancellationToken)
    {
        var user = new UserAccount(0, tenantId, username.Trim(), displayName.Trim(), role, time.GetUtcNow(), null);
        return await users.CreateAsync(user, _hasher.HashPassword(user, password), cancellationToken);
    }

    /// <summary>The user, when the username exists, is enabled and the password matches.</summary>
    public async Task<UserAccount?> VerifyAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (await users.FindByUsernameAsync(username.Trim(), cancellationToken) is not { } found || found.User.DisabledAt is not null)
        {
            // Hash anyway, so a wrong username costs the same time as a wrong password.
            _hasher.HashPassword(null!, password);
            return null;
        }

        return _hasher.VerifyHashedPassword(found.User, found.PasswordHash, password) == PasswordVerificationResult.Failed ? null : found.User;
    }

    public static ClaimsPrincipal PrincipalOf(UserAccount user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Role, user.Role.ToString()),
            new(SmxClaims.TenantId, user.TenantId.ToString(CultureInfo.InvariantCulture)),
            new(SmxClaims.AutoRegister, "false"),
        };
        claims.AddRange(Scopes.DefaultFor(user.Role).Select(scope => new Claim(SmxClaims.Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    public static Task SignInAsync(HttpContext context, UserAccount user) =>
        context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, PrincipalOf(user));
}
