using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage.Postgres;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every model artifact store must do (the data folder, and PostgreSQL below): bytes come back as stored, a path is
/// written once, a delete removes it, and the stamp moves when what is stored changes.
/// </summary>
public abstract class ModelArtifactStoreContract
{
    private const string Path = "1/pump-risk/0a1b2c.zip";

    /// <summary>A store with nothing in it.</summary>
    protected abstract Task<IModelArtifactStore> NewStoreAsync();

    /// <summary>Changes the bytes under the path behind the store's back, as someone with access to its storage could.</summary>
    protected abstract Task TamperAsync(string path);

    [Fact]
    public async Task Bytes_come_back_as_stored_and_a_path_is_written_once()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ReadAsync(Path, default));
        Assert.Equal("missing", await store.StampAsync(Path, default));

        byte[] model = [0x50, 0x4B, 3, 4, 0, 255, 7];
        Assert.True(await store.WriteOnceAsync(Path, model, default));
        Assert.False(await store.WriteOnceAsync(Path, [1, 2, 3], default));

        Assert.Equal(model, await store.ReadAsync(Path, default));
        Assert.Null(await store.ReadAsync("1/pump-risk/other.zip", default));
    }

    [Fact]
    public async Task The_stamp_moves_when_the_stored_bytes_change_and_a_delete_removes_them()
    {
        var store = await NewStoreAsync();
        await store.WriteOnceAsync(Path, [1, 2, 3], default);
        var stamp = await store.StampAsync(Path, default);
        Assert.Equal(stamp, await store.StampAsync(Path, default));

        await TamperAsync(Path);
        Assert.NotEqual(stamp, await store.StampAsync(Path, default));

        await store.DeleteAsync(Path, default);
        Assert.Null(await store.ReadAsync(Path, default));
        Assert.Equal("missing", await store.StampAsync(Path, default));
    }
}

public sealed class FolderModelArtifactStoreContract : ModelArtifactStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smx-artifacts-").FullName;

    protected override Task<IModelArtifactStore> NewStoreAsync() => Task.FromResult<IModelArtifactStore>(new FolderModelArtifactStore(_folder));

    protected override Task TamperAsync(string path) => File.AppendAllTextAsync(System.IO.Path.Combine(_folder, path), "x");

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresModelArtifactStoreContract(PostgresServer server) : ModelArtifactStoreContract, IAsyncLifetime
{
    private readonly string _legacy = Directory.CreateTempSubdirectory("smx-artifacts-").FullName;
    private PostgresDatabase? _database;

    protected override async Task<IModelArtifactStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresModelArtifactStore(_database, _legacy);
    }

    protected override async Task TamperAsync(string path)
    {
        await using var connection = await _database!.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("UPDATE model_artifacts SET bytes = bytes || '\\x00'::bytea WHERE path = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = path });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task An_artifact_left_in_the_data_folder_by_an_earlier_version_moves_into_the_database_when_read()
    {
        var store = await NewStoreAsync();
        var file = System.IO.Path.Combine(_legacy, "1", "engine-rul", "feed.zip");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [9, 8, 7]);

        Assert.Equal([9, 8, 7], await store.ReadAsync("1/engine-rul/feed.zip", default));
        File.Delete(file);
        Assert.Equal([9, 8, 7], await store.ReadAsync("1/engine-rul/feed.zip", default));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_legacy, recursive: true);
    }
}
