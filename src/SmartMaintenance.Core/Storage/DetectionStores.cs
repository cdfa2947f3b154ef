using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>
/// Filters for listing anomalies; null means any. <see cref="Since"/> filters on when an anomaly was detected; <see cref="OccurredFrom"/> and
/// <see cref="OccurredBefore"/> on the time of the reading it was found in (which may lie far back for late data).
/// </summary>
public sealed record AnomalyQuery(
    string? SensorId = null, string? AssetId = null, DateTimeOffset? Since = null, int Limit = 100,
    DateTimeOffset? OccurredFrom = null, DateTimeOffset? OccurredBefore = null);

public interface IAnomalyStore
{
    Task SaveAsync(Anomaly anomaly, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Anomaly>> ListAsync(long tenantId, AnomalyQuery query, CancellationToken cancellationToken);

    Task<Anomaly?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken);

    /// <summary>The anomalies completed maintenance labelled with the outcome (<see cref="ILabelStore"/>), oldest first.</summary>
    Task<IReadOnlyList<Anomaly>> ListLabelledAsync(long tenantId, AnomalyOutcome outcome, CancellationToken cancellationToken);

    /// <summary>How many anomalies were detected at or after <paramref name="since"/>, on the given assets when there are any.</summary>
    Task<long> CountSinceAsync(long tenantId, DateTimeOffset since, IReadOnlyCollection<string>? assetIds, CancellationToken cancellationToken);
}

/// <summary>Outcome labels of anomalies, from completed maintenance and from people's review.</summary>
public interface ILabelStore
{
    Task SaveAsync(IReadOnlyList<AnomalyLabel> labels, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<AnomalyLabel>> ListAsync(long tenantId, int limit, CancellationToken cancellationToken);

    Task<AnomalyLabel?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken);
}

/// <summary>People's review of anomalies: acknowledgements, comments and marks, kept in the order they came.</summary>
public interface IAnomalyNoteStore
{
    /// <summary>Appends the note (its id is given by the store) and returns it as stored.</summary>
    Task<AnomalyNote> AddAsync(long tenantId, AnomalyNote note, CancellationToken cancellationToken);

    /// <summary>The anomaly's notes, oldest first.</summary>
    Task<IReadOnlyList<AnomalyNote>> ListAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken);

    /// <summary>The first acknowledgement of each of the given anomalies that has one.</summary>
    Task<IReadOnlyDictionary<Guid, AnomalyNote>> AcknowledgementsAsync(long tenantId, IReadOnlyCollection<Guid> anomalyIds, CancellationToken cancellationToken);
}

/// <summary>The anomaly detector's sensitivity per tenant and sensor type (types without a row use the default).</summary>
public interface IDetectorSettingsStore
{
    Task<IReadOnlyList<SensitivitySetting>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task SetAsync(SensitivitySetting setting, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(long tenantId, string sensorType, CancellationToken cancellationToken);
}

/// <summary>Alarm rules per tenant, one per sensor and one per sensor type at most.</summary>
public interface IAlarmRuleStore
{
    /// <summary>The tenant's rules, sensor types first, each kind by target.</summary>
    Task<IReadOnlyList<AlarmRule>> ListAsync(long tenantId, CancellationToken cancellationToken);

    /// <summary>Creates the rule or replaces the one with the same scope and target.</summary>
    Task SetAsync(AlarmRule rule, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(long tenantId, AlarmRuleScope scope, string target, CancellationToken cancellationToken);
}

/// <summary>
/// One judgement of an asset's health from all its sensors together: the minute judged, the 0–100 figure, whether it
/// was abnormal, and the sensors that moved it most.
/// </summary>
public sealed record AssetHealthPoint(DateTimeOffset At, int Health, bool Abnormal, IReadOnlyList<string> Drivers);

/// <summary>Each asset's health over time, as its agent judges it (about once a minute), kept for <see cref="Retention"/>.</summary>
public interface IAssetHealthStore
{
    static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>Records points in one write; a second point for the same minute replaces the first.</summary>
    Task AppendAsync(long tenantId, string assetId, IReadOnlyList<AssetHealthPoint> points, CancellationToken cancellationToken);

    /// <summary>The points in [from, to), oldest first.</summary>
    Task<IReadOnlyList<AssetHealthPoint>> ListAsync(long tenantId, string assetId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Forgets every point older than <paramref name="before"/>; returns how many.</summary>
    Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
