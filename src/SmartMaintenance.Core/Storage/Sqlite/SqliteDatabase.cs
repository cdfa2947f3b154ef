using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Storage.Migrations;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>The embedded database file: opens connections and brings the schema up to date.</summary>
public sealed class SqliteDatabase
{
    public const string FileName = "smartmaintenance.db";

    private readonly ILogger<SqliteDatabase> _logger;

    public SqliteDatabase(string dataDirectory, ILogger<SqliteDatabase> logger)
    {
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        _logger = logger;
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        WaitInSqliteWhenBusy(connection);
        return connection;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        WaitInSqliteWhenBusy(connection);
        return connection;
    }

    /// <summary>
    /// Lets SQLite itself wait for another writer's transaction (it retries after 1, 2, 5, 10... ms) rather than the
    /// provider's coarser retry, so a short write behind a group commit of readings waits milliseconds, not a fixed sleep.
    /// </summary>
    private static void WaitInSqliteWhenBusy(SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 30_000);

    /// <summary>Switches the file to WAL and applies every migration newer than the file's version.</summary>
    public void Migrate() => Migrate(int.MaxValue);

    /// <summary>Applies the migrations up to <paramref name="upTo"/> only: a file as an earlier version left it, for tests.</summary>
    internal void Migrate(int upTo)
    {
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        using var versionCommand = connection.CreateCommand();
        versionCommand.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(versionCommand.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        foreach (var (version, name, sql) in SqliteMigrations.All)
        {
            if (version <= current || version > upTo)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            Execute(connection, sql, transaction);
            Execute(connection, $"PRAGMA user_version = {version};", transaction);
            transaction.Commit();
            _logger.LogInformation("Applied schema migration {Version} ({Name}) to {File}", version, name, FilePath);
        }
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
