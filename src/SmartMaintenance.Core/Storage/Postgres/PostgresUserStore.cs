using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Web UI users in PostgreSQL; a username is found and kept unique whatever its case, as in SQLite.</summary>
public sealed class PostgresUserStore(PostgresDatabase database) : IUserStore
{
    private const string Columns = "id, tenant_id, username, display_name, role, created_at, disabled_at, password_hash";

    public async Task<UserAccount?> CreateAsync(UserAccount user, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO users (tenant_id, username, display_name, role, password_hash, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT ((lower(username))) DO NOTHING
            RETURNING id
            """,
            user.TenantId, user.Username, user.DisplayName, user.Role.ToString(), passwordHash, Utc(user.CreatedAt));
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? user with { Id = id } : null;
    }

    public async Task<(UserAccount User, string PasswordHash)?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM users WHERE lower(username) = lower($1::text COLLATE \"C\")",
            r => (Read(r), r.GetString(7)), cancellationToken, username);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM users WHERE tenant_id = $1 ORDER BY lower(username)", Read, cancellationToken, tenantId);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT count(*) FROM users");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(UserAccount User, string PasswordHash)?> FindAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM users WHERE id = $1", r => (Read(r), r.GetString(7)), cancellationToken, userId);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<bool> SetDisabledAsync(long tenantId, long userId, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        UpdateAsync("disabled_at = $3", tenantId, userId, disabledAt is { } at ? Utc(at) : null, cancellationToken);

    public Task<bool> SetPasswordHashAsync(long tenantId, long userId, string passwordHash, CancellationToken cancellationToken) =>
        UpdateAsync("password_hash = $3", tenantId, userId, passwordHash, cancellationToken);

    public async Task<long> NotificationsReadUpToAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT notifications_read_seq FROM users WHERE id = $1", r => r.GetInt64(0), cancellationToken, userId);
        return rows.Count == 0 ? 0 : rows[0];
    }

    public async Task MarkNotificationsReadAsync(long userId, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE users SET notifications_read_seq = greatest(notifications_read_seq, $2) WHERE id = $1",
            cancellationToken, userId, sequence);
    }

    private async Task<bool> UpdateAsync(string assignment, long tenantId, long userId, object? value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync($"UPDATE users SET {assignment} WHERE tenant_id = $1 AND id = $2", cancellationToken,
            tenantId, userId, value) == 1;
    }

    private static UserAccount Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), Enum.Parse<Role>(r.GetString(4)), r.GetTime(5), r.GetNullableTime(6));
}
