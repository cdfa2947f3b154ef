namespace SmartMaintenance.Models.Registry;

/// <summary>
/// Where registered models' bytes live, by the registry's content-addressed path (<c>TENANT/NAME/SHA256.zip</c>): the
/// data folder on one machine, the database when several nodes share one, so a model registered through one node is
/// run by every other.
/// </summary>
public interface IModelArtifactStore
{
    /// <summary>Stores the bytes under the path unless something is stored there already; true when this call stored them.</summary>
    Task<bool> WriteOnceAsync(string path, byte[] bytes, CancellationToken cancellationToken);

    /// <summary>The bytes stored under the path; null when there are none.</summary>
    Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken);

    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// A value that changes whenever what is stored under the path may have changed (a file's size and time, a row's
    /// version): a model loaded once is kept until it changes, and then hashed again.
    /// </summary>
    Task<string> StampAsync(string path, CancellationToken cancellationToken);
}

/// <summary>Artifacts as files under a folder (the data folder's <c>models/</c>), each written beside its place and moved over it.</summary>
public sealed class FolderModelArtifactStore(string folder) : IModelArtifactStore
{
    public string Folder => folder;

    public Task<bool> WriteOnceAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var full = Path.Combine(folder, path);
        if (File.Exists(full))
        {
            return Task.FromResult(false);
        }

        ModelArtifact.WriteFile(full, bytes);
        return Task.FromResult(true);
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.Combine(folder, path);
        return File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken) : null;
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        File.Delete(Path.Combine(folder, path));
        return Task.CompletedTask;
    }

    public Task<string> StampAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Path.Combine(folder, path));
        return Task.FromResult(file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "missing");
    }
}
