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

    /// <summary>Signs the verified user in with a session cookie carrying the current password's stamp.</summary>
    public async Task SignInAsync(HttpContext context, UserAccount user)
    {
        var found = await users.FindAsync(user.Id, context.RequestAborted);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, PrincipalOf(user, found?.PasswordHash ?? ""));
    }

    /// <summary>The user with the new password set, when the current password is right and the user enabled; else null.</summary>
    public async Task<UserAccount?> ChangePasswordAsync(long userId, string current, string next, CancellationToken cancellationToken)
    {
        if (await users.FindAsync(userId, cancellationToken) is not { } found || found.User.DisabledAt is not null
            || _hasher.VerifyHashedPassword(found.User, found.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            return null;
        }

        return await SetPasswordAsync(found.User, next, cancellationToken) ? found.User : null;
    }

    /// <summary>Sets a new password; sessions signed in with the old one end at their next check.</summary>
    public async Task<bool> SetPasswordAsync(UserAccount user, string password, CancellationToken cancellationToken) =>
        await users.SetPasswordHashAsync(user.TenantId, user.Id, _hasher.HashPassword(user, password), cancellationToken);

    /// <summary>
    /// Whether a session is still good: its user exists, is enabled, and the password has not changed since it signed in.
    /// Checked on every page request and, for open pages, every minute (<see cref="SessionRevalidation"/>).
    /// </summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal session, CancellationToken cancellationToken)
    {
        if (!long.TryParse(session.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id)
            || await users.FindAsync(id, cancellationToken) is not { } found)
        {
            return false;
        }

        return found.User.DisabledAt is null && session.FindFirstValue(SessionStampClaim) == StampOf(found.PasswordHash);
    }

    private const string SessionStampClaim = "smx:session_stamp";

    // A short digest of the password hash: a new password makes every older session's stamp stale.
    private static string StampOf(string passwordHash) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passwordHash)))[..16];

    public static ClaimsPrincipal PrincipalOf(UserAccount user, string passwordHash)
    {
        var claims = new List<Claim>
        {
            new(SessionStampClaim, StampOf(passwordHash)),
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Role, user.Role.ToString()),
            new(SmxClaims.TenantId, user.TenantId.ToString(CultureInfo.InvariantCulture)),
            new(SmxClaims.AutoRegister, "false"),
        };
        claims.AddRange(Scopes.DefaultFor(user.Role).Select(scope => new Claim(SmxClaims.Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
