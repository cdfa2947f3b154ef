using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Registry;

/// <summary>Why a registry request was refused: a clear reason, never a silent substitute.</summary>
public sealed record RegistryError(RegistryErrorKind Kind, string Detail);

public enum RegistryErrorKind { UnknownModel, UnknownVersion, NoVersionInStage, InvalidName, InvalidArtifact, InvalidInput }

/// <summary>An artifact whose bytes no longer match the SHA-256 recorded when it was registered.</summary>
public sealed class ModelIntegrityException(string message) : Exception(message);

/// <summary>
/// The model registry: versions per tenant and name, their stages, and their artifacts (in the data folder, or in the
/// database that several nodes share: <see cref="IModelArtifactStore"/>). Metadata
/// is read from memory (loaded once per tenant, dropped on every change); a version is named explicitly —
/// <c>latest</c>, <c>production</c>, <c>staging</c> or a number — and a name that does not resolve is an error, not
/// another version. Every load re-hashes the artifact: a mismatch refuses the load and is audited. Registrations and
/// stage changes are audited too.
/// </summary>
public sealed partial class ModelRegistry(IModelRegistryStore store, IEventLog audit, TimeProvider time, IModelArtifactStore artifacts)
{
    /// <summary>Our artifacts are a few hundred kilobytes; a registration is refused well before it strains memory.</summary>
    public const int MaxArtifactBytes = 32 * 1024 * 1024;

    private readonly ConcurrentDictionary<long, Lazy<Task<IReadOnlyList<ModelVersion>>>> _cache = new();

    public async Task<IReadOnlyList<ModelVersion>> VersionsAsync(long tenantId, CancellationToken cancellationToken)
    {
        var entry = _cache.GetOrAdd(tenantId, id => new Lazy<Task<IReadOnlyList<ModelVersion>>>(() => store.ListAsync(id, CancellationToken.None)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // A failed read is not remembered: the next request reads the store again.
            _cache.TryRemove(KeyValuePair.Create(tenantId, entry));
            throw;
        }
    }

    public async Task<IReadOnlyList<ModelVersion>> VersionsAsync(long tenantId, string name, CancellationToken cancellationToken) =>
        [.. (await VersionsAsync(tenantId, cancellationToken)).Where(v => v.Name == name)];

    /// <summary>One version by reference: <c>latest</c>, <c>production</c>, <c>staging</c> (the newest in that stage) or a number.</summary>
    public async Task<(ModelVersion? Version, RegistryError? Error)> ResolveAsync(long tenantId, string name, string reference, CancellationToken cancellationToken)
    {
        var versions = await VersionsAsync(tenantId, name, cancellationToken);
        if (versions.Count == 0)
        {
            return (null, new RegistryError(RegistryErrorKind.UnknownModel, $"No model named '{name}' is registered."));
        }

        ModelVersion? found = reference.ToLowerInvariant() switch
        {
            "latest" => versions.MaxBy(v => v.Version),
            "production" => versions.Where(v => v.Stage == ModelStage.Production).MaxBy(v => v.Version),
            "staging" => versions.Where(v => v.Stage == ModelStage.Staging).MaxBy(v => v.Version),
            _ when int.TryParse(reference, out var number) => versions.FirstOrDefault(v => v.Version == number),
            _ => null,
        };
        if (found is not null)
        {
            return (found, null);
        }

        return reference.ToLowerInvariant() is "production" or "staging"
            ? (null, new RegistryError(RegistryErrorKind.NoVersionInStage, $"'{name}' has no version in {reference.ToLowerInvariant()}."))
            : (null, new RegistryError(RegistryErrorKind.UnknownVersion,
                $"'{name}' has no version '{reference}' (versions 1–{versions.Max(v => v.Version)}; or latest, production, staging)."));
    }

    /// <summary>
    /// Registers an artifact written by <see cref="ModelArtifact"/> as the name's next version, in staging, with the
    /// metrics given or else those its manifest recorded.
    /// </summary>
    public async Task<(ModelVersion? Version, RegistryError? Error)> RegisterAsync(
        long tenantId, string name, byte[] artifact, string createdBy, int? parentVersion, IReadOnlyDictionary<string, double>? metrics,
        CancellationToken cancellationToken, string? assetKind = null)
    {
        if (!NamePattern().IsMatch(name))
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidName,
                $"'{name}' is not a model name: 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."));
        }

        if (artifact.Length > MaxArtifactBytes)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidArtifact, $"A model artifact may be at most {MaxArtifactBytes / (1024 * 1024)} MB."));
        }

        ModelManifest manifest;
        try
        {
            manifest = ModelArtifact.Inspect(new MemoryStream(artifact, writable: false), "the artifact");
            // A kind this build runs is read whole now, so a broken model is refused here and never reaches a prediction.
            RegisteredModels.CheckContent(manifest.Kind, artifact);
        }
        catch (InvalidDataException e)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidArtifact, e.Message));
        }

        var existing = await VersionsAsync(tenantId, name, cancellationToken);
        if (parentVersion is { } parent && existing.All(v => v.Version != parent))
        {
            return (null, new RegistryError(RegistryErrorKind.UnknownVersion, $"'{name}' has no version {parent} to descend from."));
        }

        if (existing.Count > 0 && existing[0].Kind != manifest.Kind)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidArtifact,
                $"'{name}' holds '{existing[0].Kind}' models; this artifact is a '{manifest.Kind}' model."));
        }

        // Content-addressed: the artifact's name is its hash, so a version's artifact is never overwritten.
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(artifact));
        var relative = $"{tenantId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{name}/{sha256}.zip";
        var written = await artifacts.WriteOnceAsync(relative, artifact, cancellationToken);

        var now = time.GetUtcNow();
        ModelVersion version;
        try
        {
            version = await store.AddAsync(new ModelVersion(tenantId, name, 0, manifest.Kind, ModelStage.Staging, sha256, relative,
                manifest.Parameters, metrics ?? manifest.Metrics, manifest.Features, manifest.TrainingFingerprint, createdBy,
                parentVersion, now, now)
            { AssetKind = assetKind }, cancellationToken);
        }
        catch when (written)
        {
            await artifacts.DeleteAsync(relative, CancellationToken.None);
            throw;
        }
        _cache.TryRemove(tenantId, out _);
        await AuditAsync(version, "ModelRegistered", createdBy, new { version.Kind, Sha256 = sha256, ParentVersion = parentVersion }, cancellationToken);
        return (version, null);
    }

    /// <summary>
    /// The versions worth using, best first: not archived, of the asset kind asked for (any when null), reading the
    /// sensor type asked for (any when null; only asset models read the platform's sensor types), ranked by the kind's
    /// primary metric — cross-validated RMSE for RUL models (lower is better), F1 for failure and asset models (higher
    /// is better); versions that never measured it come last.
    /// </summary>
    public async Task<IReadOnlyList<(ModelVersion Version, string Metric, double? Value)>> RecommendAsync(
        long tenantId, string? assetKind, string? sensorType, CancellationToken cancellationToken)
    {
        var candidates = (await VersionsAsync(tenantId, cancellationToken))
            .Where(v => v.Stage != ModelStage.Archived && (assetKind is null || string.Equals(v.AssetKind, assetKind, StringComparison.OrdinalIgnoreCase)))
            .Where(v => sensorType is null || Reads(v, sensorType))
            .Select(v =>
            {
                var (metric, lowerIsBetter) = PrimaryMetric(v.Kind);
                double? value = v.Metrics.TryGetValue(metric, out var measured) ? measured : null;
                return (Version: v, Metric: metric, Value: value, Rank: value is { } x ? (lowerIsBetter ? x : -x) : double.PositiveInfinity);
            });
        return [.. candidates.OrderBy(c => c.Rank).ThenByDescending(c => c.Version.Stage == ModelStage.Production).ThenByDescending(c => c.Version.CreatedAt)
            .Select(c => (c.Version, c.Metric, c.Value))];
    }

    // Whether the version's model reads the sensor type: an asset model names the types it reads in its parameters.
    private static bool Reads(ModelVersion version, string sensorType) =>
        version.Parameters.TryGetValue(Assets.AssetModelTraining.SensorTypesParameter, out var types)
        && types.Split(',').Contains(sensorType, StringComparer.OrdinalIgnoreCase);

    private static (string Metric, bool LowerIsBetter) PrimaryMetric(string kind) => kind switch
    {
        Rul.RulModel.Kind => ("cv_rmse", true),
        Failure.FailureModel.Kind => ("cv_f1", false),
        // An asset model's failure probability opens and ranks cases: its classifier's F1 decides.
        Assets.AssetModel.Kind => ("cv_f1", false),
        _ => ("cv_score", false),
    };

    /// <summary>Moves a version to a stage (production archives the previous production version); audited.</summary>
    public async Task<IReadOnlyList<ModelVersion>> SetStageAsync(long tenantId, string name, int version, ModelStage stage, string actor, CancellationToken cancellationToken)
    {
        var changed = await store.SetStageAsync(tenantId, name, version, stage, time.GetUtcNow(), cancellationToken);
        _cache.TryRemove(tenantId, out _);
        foreach (var moved in changed)
        {
            await AuditAsync(moved, "ModelStageChanged", actor, new { Stage = moved.Stage.ToString().ToLowerInvariant() }, cancellationToken);
        }

        return changed;
    }

    /// <summary>Drops the tenant's cached list of versions (another node registered or moved one).</summary>
    public void Forget(long tenantId) => _cache.TryRemove(tenantId, out _);

    /// <summary>Changes whenever the version's stored artifact may have changed (see <see cref="IModelArtifactStore.StampAsync"/>).</summary>
    public Task<string> ArtifactStampAsync(ModelVersion version, CancellationToken cancellationToken) => artifacts.StampAsync(version.Artifact, cancellationToken);

    /// <summary>The version's model, after checking its artifact's SHA-256 against the registry's.</summary>
    public async Task<(T Model, ModelManifest Manifest)> LoadAsync<T>(ModelVersion version, string kind, CancellationToken cancellationToken)
    {
        var bytes = await artifacts.ReadAsync(version.Artifact, cancellationToken);
        var actual = bytes is null ? "missing" : Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != version.Sha256)
        {
            await AuditAsync(version, "ModelIntegrityFailed", "registry", new { Expected = version.Sha256, Actual = actual }, cancellationToken);
            throw new ModelIntegrityException(
                $"The artifact of '{version.Name}' v{version.Version} does not match its registered SHA-256 ({(bytes is null ? "the file is missing" : "it was changed")}); it is not loaded.");
        }

        return ModelArtifact.Load<T>(new MemoryStream(bytes!, writable: false), $"'{version.Name}' v{version.Version}", kind);
    }

    private async Task AuditAsync(ModelVersion version, string type, string actor, object details, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new { model = version.Name, version = version.Version, details }, AuditJson);
        await audit.AppendAsync([new AuditEvent(version.TenantId, type, $"model:{version.Name}", actor, payload)], cancellationToken);
    }

    private static readonly JsonSerializerOptions AuditJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Whether the registry takes the name: 1–64 of a–z, 0–9, '.', '_' or '-', starting with a letter or digit.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex NamePattern();
}
