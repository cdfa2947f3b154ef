using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Web UI users in SQLite; the password is stored only as a salted hash made by the caller.</summary>
public sealed class SqliteUserStore(SqliteDatabase database) : IUserStore
{
    private const string Columns = "id, tenant_id, username, display_name, role, created_at, disabled_at, password_hash";

    public async Task<UserAccount?> CreateAsync(UserAccount user, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            INSERT INTO users (tenant_id, username, display_name, role, password_hash, created_at)
            VALUES ($t, $username, $name, $role, $hash, $at)
            ON CONFLICT (username) DO NOTHING
            RETURNING id
            """,
            ("$t", user.TenantId), ("$username", user.Username), ("$name", user.DisplayName), ("$role", user.Role.ToString()),
            ("$hash", passwordHash), ("$at", UnixMicros.From(user.CreatedAt)));
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? user with { Id = id } : null;
    }

    public async Task<(UserAccount User, string PasswordHash)?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM users WHERE username = $username",
            r => (Read(r), r.GetString(7)), cancellationToken, ("$username", username));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM users WHERE tenant_id = $t ORDER BY username", Read,
            cancellationToken, ("$t", tenantId));
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
        var rows = await connection.ListAsync($"SELECT {Columns} FROM users WHERE id = $id",
            r => (Read(r), r.GetString(7)), cancellationToken, ("$id", userId));
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<bool> SetDisabledAsync(long tenantId, long userId, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        UpdateAsync("disabled_at = $value", tenantId, userId, disabledAt is { } at ? UnixMicros.From(at) : null, cancellationToken);

    public Task<bool> SetPasswordHashAsync(long tenantId, long userId, string passwordHash, CancellationToken cancellationToken) =>
        UpdateAsync("password_hash = $value", tenantId, userId, passwordHash, cancellationToken);

    public async Task<long> NotificationsReadUpToAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT notifications_read_seq FROM users WHERE id = $id", r => r.GetInt64(0), cancellationToken, ("$id", userId));
        return rows.Count == 0 ? 0 : rows[0];
    }

    public async Task MarkNotificationsReadAsync(long userId, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE users SET notifications_read_seq = max(notifications_read_seq, $seq) WHERE id = $id",
            cancellationToken, ("$id", userId), ("$seq", sequence));
    }

    private async Task<bool> UpdateAsync(string assignment, long tenantId, long userId, object? value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"UPDATE users SET {assignment} WHERE tenant_id = $t AND id = $id",
            ("$t", tenantId), ("$id", userId), ("$value", value));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static UserAccount Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), Enum.Parse<Role>(r.GetString(4)), r.GetTime(5),
        r.IsDBNull(6) ? null : r.GetTime(6));
}
