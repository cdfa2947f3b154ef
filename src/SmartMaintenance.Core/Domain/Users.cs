using SmartMaintenance.Security;

namespace SmartMaintenance.Domain;

/// <summary>A person who signs in to the web UI: a role in one tenant. Machines use API keys instead.</summary>
public sealed record UserAccount(
    long Id, long TenantId, string Username, string DisplayName, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);
