using SmartMaintenance.Domain;
using SmartMaintenance.Security;

namespace SmartMaintenance.Storage;

public interface IApiKeyStore
{
    Task<ApiKey> CreateAsync(ApiKey key, string secretHash, CancellationToken cancellationToken);
    Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiKey>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<bool> RevokeAsync(long tenantId, long keyId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>People who sign in to the web UI; usernames are unique across tenants (they name the person at sign-in).</summary>
public interface IUserStore
{
    /// <summary>Creates the user, or returns null when the username is taken.</summary>
    Task<UserAccount?> CreateAsync(UserAccount user, string passwordHash, CancellationToken cancellationToken);
    Task<(UserAccount User, string PasswordHash)?> FindByUsernameAsync(string username, CancellationToken cancellationToken);
    Task<IReadOnlyList<UserAccount>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>The user with the password hash, whatever the tenant (sign-in sessions are checked by id).</summary>
    Task<(UserAccount User, string PasswordHash)?> FindAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Disables (a time) or enables (null) the tenant's user; false when there is no such user.</summary>
    Task<bool> SetDisabledAsync(long tenantId, long userId, DateTimeOffset? disabledAt, CancellationToken cancellationToken);

    Task<bool> SetPasswordHashAsync(long tenantId, long userId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>The audit sequence up to which the user has seen the bell's notifications (0 before the first look).</summary>
    Task<long> NotificationsReadUpToAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Moves the user's read mark forward to <paramref name="sequence"/> (never back).</summary>
    Task MarkNotificationsReadAsync(long userId, long sequence, CancellationToken cancellationToken);
}

/// <summary>A stored response to a batch sent with an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotentResponse(string RequestHash, int StatusCode, string Body);

public interface IIdempotencyStore
{
    Task<IdempotentResponse?> FindAsync(long tenantId, string key, CancellationToken cancellationToken);
    Task SaveAsync(long tenantId, string key, IdempotentResponse response, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Forgets responses saved before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
