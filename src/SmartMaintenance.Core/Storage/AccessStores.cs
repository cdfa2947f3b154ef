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

/// <summary>
/// One XML element of the web host's key ring (ASP.NET Core Data Protection: a key, or a revocation) under its unique
/// name, as Data Protection wrote it.
/// </summary>
public sealed record KeyRingElement
{
    /// <summary>An element to store; refuses a blank name or blank XML.</summary>
    /// <param name="friendlyName">The element's unique name (Data Protection names keys <c>key-{id}</c>).</param>
    /// <param name="xml">The element's XML text.</param>
    /// <param name="createdAt">When it was stored.</param>
    public KeyRingElement(string friendlyName, string xml, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(friendlyName);
        ArgumentException.ThrowIfNullOrWhiteSpace(xml);
        FriendlyName = friendlyName;
        Xml = xml;
        CreatedAt = createdAt;
    }

    public string FriendlyName { get; }

    public string Xml { get; }

    public DateTimeOffset CreatedAt { get; }
}

/// <summary>
/// The key ring behind sign-in cookies and antiforgery tokens, in the database so that every node shares it (a cookie
/// issued by one node is accepted by the others) and backups hold it. Synchronous, because its one caller, Data
/// Protection's key repository, is.
/// </summary>
public interface IKeyRingStore
{
    /// <summary>Every stored element, oldest first.</summary>
    IReadOnlyList<KeyRingElement> List();

    /// <summary>Stores the element; false, keeping the first, when an element of that name is stored already.</summary>
    /// <param name="element">The element to store.</param>
    bool Add(KeyRingElement element);
}
