using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>A fresh migrated SQLite file with a second tenant (id 2) beside the default one, deleted afterwards.</summary>
internal sealed class SqliteTwoTenants : IDisposable
{
    private readonly TempDatabase _temp = new();

    public async Task<SqliteDatabase> OpenAsync()
    {
        Assert.Equal(2, (await new SqliteCatalogStore(_temp.Database, TimeProvider.System).CreateTenantAsync("other", "Other", default)).Id);
        return _temp.Database;
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>A new migrated database on the tests' PostgreSQL server with a second tenant (id 2) beside the default one.</summary>
internal sealed class PostgresTwoTenants(PostgresServer server) : IAsyncDisposable
{
    private PostgresDatabase? _database;

    public async Task<PostgresDatabase> OpenAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        Assert.Equal(2, (await new PostgresCatalogStore(_database, TimeProvider.System).CreateTenantAsync("other", "Other", default)).Id);
        return _database;
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
