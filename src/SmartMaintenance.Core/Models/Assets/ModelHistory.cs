namespace SmartMaintenance.Models.Assets;

/// <summary>One drift check of a production asset model against its kind's last day: when, how many rows, what moved.</summary>
public sealed record DriftCheck(
    string ModelName, int Version, DateTimeOffset At, int Rows, IReadOnlyList<FeatureDriftResult> Features, string? Problem, Guid? RetrainingRun,
    string Decision)
{
    public bool Drifted => Features.Any(f => f.Drifted);
}

/// <summary>
/// Where the models' lifecycle is kept for good: every training run (saved at each stage it reaches) and every drift
/// check, so the models page and the API show them after a restart, and the Learning agent's "drift persists" rule
/// counts checks made before it.
/// </summary>
public interface IModelHistoryStore
{
    /// <summary>Saves the run, replacing what was saved of it before.</summary>
    Task SaveRunAsync(TrainingRun run, CancellationToken cancellationToken);

    Task<TrainingRun?> FindRunAsync(long tenantId, Guid runId, CancellationToken cancellationToken);

    /// <summary>The tenant's runs, newest request first.</summary>
    Task<IReadOnlyList<TrainingRun>> ListRunsAsync(long tenantId, int limit, CancellationToken cancellationToken);

    Task SaveDriftCheckAsync(long tenantId, DriftCheck check, CancellationToken cancellationToken);

    /// <summary>The model's checks, newest first.</summary>
    Task<IReadOnlyList<DriftCheck>> ListDriftChecksAsync(long tenantId, string name, int limit, CancellationToken cancellationToken);
}
