namespace SmartMaintenance.Models.Registry;

/// <summary>Where a model version is in its life: tried (staging), serving (production, one per name), or retired.</summary>
public enum ModelStage { Staging, Production, Archived }

/// <summary>
/// One registered version of a named model: what it is (kind, features), how it was made (parameters, training
/// fingerprint, parent version, who), how it measured, and its artifact with the SHA-256 every load checks.
/// </summary>
public sealed record ModelVersion(
    long TenantId,
    string Name,
    int Version,
    string Kind,
    ModelStage Stage,
    string Sha256,
    string Artifact,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> Features,
    string TrainingFingerprint,
    string CreatedBy,
    int? ParentVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset StageChangedAt)
{
    /// <summary>The kind of asset the model is for (e.g. <c>turbofan</c>, <c>milling-machine</c>), when the registrant said.</summary>
    public string? AssetKind { get; init; }
}

/// <summary>The registry's versions, durable. Version numbers are assigned by the store, one after another per name.</summary>
public interface IModelRegistryStore
{
    /// <summary>Stores the version with the next number for its name (the record's own number is ignored).</summary>
    Task<ModelVersion> AddAsync(ModelVersion version, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelVersion>> ListAsync(long tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a version to a stage; moving one to production archives the name's previous production version in the
    /// same transaction. Returns the versions whose stage changed (empty when the version does not exist).
    /// </summary>
    Task<IReadOnlyList<ModelVersion>> SetStageAsync(long tenantId, string name, int version, ModelStage stage, DateTimeOffset at, CancellationToken cancellationToken);
}
