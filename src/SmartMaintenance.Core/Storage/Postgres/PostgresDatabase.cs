using Microsoft.Extensions.Logging;

using Npgsql;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// The production store's database: one pooled <see cref="NpgsqlDataSource"/> per process, and the versioned schema
/// migrations (<see cref="PostgresMigrations"/>) applied once, whichever node starts first — a node takes a
/// session-level advisory lock while it migrates, so two nodes starting together apply each version once.
/// </summary>
public sealed class PostgresDatabase(string connectionString, ILogger<PostgresDatabase> logger) : IAsyncDisposable
{
    /// <summary>The advisory lock key migrations hold (any fixed number the application does not use otherwise).</summary>
    private const long MigrationLock = 0x534D585F4D4947; // "SMX_MIG"

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) => DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Applies every migration newer than the database's (up to <paramref name="upTo"/>, for tests of older schemas).</summary>
    public async Task MigrateAsync(int upTo = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_lock($1)", cancellationToken, MigrationLock);
        try
        {
            await connection.ExecuteAsync(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            var applied = (await connection.ListAsync("SELECT version FROM schema_migrations", r => r.GetInt32(0), cancellationToken)).ToHashSet();
            foreach (var (version, name, sql) in PostgresMigrations.All)
            {
                if (applied.Contains(version) || version > upTo)
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(sql, cancellationToken);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", cancellationToken, version, name);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied PostgreSQL schema migration {Version} ({Name})", version, name);
            }
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock($1)", CancellationToken.None, MigrationLock);
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
