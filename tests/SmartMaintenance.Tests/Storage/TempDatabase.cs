using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>A migrated SQLite file in its own temporary folder, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("smx-test-").FullName;
        Database = new SqliteDatabase(Folder, NullLogger<SqliteDatabase>.Instance);
        Database.Migrate();
    }

    public string Folder { get; }

    public SqliteDatabase Database { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A real SQLite reading store on a <see cref="TempDatabase"/>, disposed (store, then folder) with it.</summary>
internal sealed class TempReadingStore : IAsyncDisposable
{
    public TempReadingStore() => Store = new SqliteReadingStore(Temp.Database, NullLogger<SqliteReadingStore>.Instance);

    public TempDatabase Temp { get; } = new();

    public SqliteReadingStore Store { get; }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Temp.Dispose();
    }
}
