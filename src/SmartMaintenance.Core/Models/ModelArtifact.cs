using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace SmartMaintenance.Models;

/// <summary>What an artifact says about itself: its kind, when and from what it was trained, and its measurements.</summary>
public sealed record ModelManifest(
    string Kind,
    int FormatVersion,
    DateTimeOffset CreatedAt,
    string TrainingFingerprint,
    IReadOnlyDictionary<string, string> Parameters,
    string ModelSha256)
{
    /// <summary>The features the model reads, in order: its input schema.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>What the model measured when it was trained (e.g. cross-validated RMSE or F1), by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Each feature's distribution in the training rows: what drift is measured against.</summary>
    public IReadOnlyList<FeatureReference> Reference { get; init; } = [];
}

/// <summary>A model that can tell whether what was read is whole (trees acyclic, indices in range, shapes agreeing).</summary>
public interface ICheckedModel
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the first thing that does not hold.</summary>
    void Check();
}

/// <summary>
/// A trained model on disk: a zip holding <c>manifest.json</c> and <c>model.json</c>, the manifest naming the model's
/// kind and the SHA-256 of its JSON, checked at every load so a damaged or edited model is refused, not used.
/// </summary>
public static class ModelArtifact
{
    public const int FormatVersion = 1;

    /// <summary>No entry of ours comes near this; a zip that unpacks to more is refused before it fills memory.</summary>
    public const int MaxEntryBytes = 64 * 1024 * 1024;
    private const string ManifestEntry = "manifest.json";
    private const string ModelEntry = "model.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>The artifact as bytes, with its manifest: for a registry that takes it without a file.</summary>
    public static (byte[] Zip, ModelManifest Manifest) Pack<T>(string kind, T model, string trainingFingerprint, IReadOnlyDictionary<string, string> parameters,
        IReadOnlyList<string>? features = null, IReadOnlyDictionary<string, double>? metrics = null, IReadOnlyList<FeatureReference>? reference = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(model, Json);
        var manifest = new ModelManifest(kind, FormatVersion, DateTimeOffset.UtcNow, trainingFingerprint, parameters,
            Convert.ToHexStringLower(SHA256.HashData(body)))
        {
            Features = features ?? [],
            Metrics = metrics ?? new Dictionary<string, double>(),
            Reference = reference ?? [],
        };
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
            Write(zip, ModelEntry, body);
        }

        return (buffer.ToArray(), manifest);
    }

    public static ModelManifest Save<T>(string path, string kind, T model, string trainingFingerprint, IReadOnlyDictionary<string, string> parameters,
        IReadOnlyList<string>? features = null, IReadOnlyDictionary<string, double>? metrics = null, IReadOnlyList<FeatureReference>? reference = null)
    {
        var (zip, manifest) = Pack(kind, model, trainingFingerprint, parameters, features, metrics, reference);
        WriteFile(path, zip);
        return manifest;
    }

    /// <summary>Writes a packed artifact beside the target and moves it over it, so a reader never sees half a model.</summary>
    public static void WriteFile(string path, byte[] zip)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, zip);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static (T Model, ModelManifest Manifest) Load<T>(string path, string kind)
    {
        using var file = File.OpenRead(path);
        return Load<T>(file, path, kind);
    }

    /// <summary>Reads a model from a stream; <paramref name="name"/> names it in messages.</summary>
    public static (T Model, ModelManifest Manifest) Load<T>(Stream stream, string name, string kind)
    {
        var manifest = Inspect(stream, name, out var body);
        if (manifest.Kind != kind)
        {
            throw new InvalidDataException($"{name} holds a '{manifest.Kind}' model, not a '{kind}' model.");
        }

        T model;
        try
        {
            model = JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidDataException($"{name}: the model is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: the model does not read as a '{kind}' model ({e.Message})", e);
        }

        (model as ICheckedModel)?.Check();
        return (model, manifest);
    }

    /// <summary>The manifest of a model of any kind, after checking its format and its hash.</summary>
    public static ModelManifest Inspect(Stream stream, string name) => Inspect(stream, name, out _);

    private static ModelManifest Inspect(Stream stream, string path, out byte[] body)
    {
        ZipArchive zipFile;
        try
        {
            zipFile = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a SmartMaintenance model: not a zip file ({e.Message})", e);
        }

        using var zip = zipFile;
        ModelManifest? read;
        try
        {
            read = JsonSerializer.Deserialize<ModelManifest>(Read(zip, path, ManifestEntry), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the manifest is not valid JSON ({e.Message})", e);
        }

        // JSON may leave any field null whatever the record says; the required ones are checked, the rest defaulted.
        if (read is null || string.IsNullOrWhiteSpace(read.Kind) || read.ModelSha256 is not { Length: 64 } || read.TrainingFingerprint is null)
        {
            throw new InvalidDataException($"{path}: the manifest lacks its kind, its model's SHA-256 or its training fingerprint.");
        }

        var manifest = read with
        {
            Parameters = read.Parameters ?? new Dictionary<string, string>(),
            Features = read.Features ?? [],
            Metrics = read.Metrics ?? new Dictionary<string, double>(),
            Reference = read.Reference ?? [],
        };
        if (manifest.Reference.Count > 0 && (manifest.Reference.Count != manifest.Features.Count
            || manifest.Reference.Any(r => r is not { Count: > 0, Percentiles.Length: 101 } || !r.Percentiles.All(double.IsFinite))))
        {
            throw new InvalidDataException($"{path}: the manifest's reference distributions do not match its features.");
        }

        if (manifest.FormatVersion != FormatVersion)
        {
            throw new InvalidDataException($"{path}: model format {manifest.FormatVersion}; this build reads format {FormatVersion}.");
        }

        body = Read(zip, path, ModelEntry);
        if (Convert.ToHexStringLower(SHA256.HashData(body)) != manifest.ModelSha256)
        {
            throw new InvalidDataException($"{path}: the model's SHA-256 does not match its manifest; the file was changed or damaged.");
        }

        return manifest;
    }

    /// <summary>SHA-256 over the training files' bytes in order: which data a model learned from.</summary>
    public static string Fingerprint(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        stream.Write(bytes);
    }

    private static byte[] Read(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{path} is not a SmartMaintenance model: no {name}.");
        if (entry.Length > MaxEntryBytes)
        {
            throw new InvalidDataException($"{path}: {name} unpacks to {entry.Length} bytes; at most {MaxEntryBytes} are read.");
        }

        // The declared length can lie: read at most one byte past the limit and refuse if it is reached.
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxEntryBytes)
            {
                throw new InvalidDataException($"{path}: {name} unpacks to more than {MaxEntryBytes} bytes.");
            }
        }

        return buffer.ToArray();
    }
}
