using SmartMaintenance.Models.Registry;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// Registered models' bytes in PostgreSQL (<c>model_artifacts</c>), so every node runs a model whichever node registered
/// it. A version registered before the artifacts moved into the database (its file in a node's data folder) is moved
/// in the first time that node reads it.
/// </summary>
public sealed class PostgresModelArtifactStore(PostgresDatabase database, string legacyFolder) : IModelArtifactStore
{
    public async Task<bool> WriteOnceAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The path names the content (its SHA-256): bytes already there under it are the same bytes.
        return await connection.ExecuteAsync("INSERT INTO model_artifacts (path, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            cancellationToken, path, bytes) == 1;
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var command = connection.Command("SELECT bytes FROM model_artifacts WHERE path = $1", path);
            if (await command.ExecuteScalarAsync(cancellationToken) is byte[] stored)
            {
                return stored;
            }
        }

        var file = Path.Combine(legacyFolder, path);
        if (!File.Exists(file))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        await WriteOnceAsync(path, bytes, cancellationToken);
        return bytes;
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM model_artifacts WHERE path = $1", cancellationToken, path);
    }

    public async Task<string> StampAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // xmin changes with every write of the row: an artifact changed behind the registry's back is hashed again.
        await using var command = connection.Command("SELECT xmin::text || ':' || octet_length(bytes) FROM model_artifacts WHERE path = $1", path);
        return await command.ExecuteScalarAsync(cancellationToken) as string ?? "missing";
    }
}
