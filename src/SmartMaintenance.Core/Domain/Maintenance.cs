namespace SmartMaintenance.Domain;

// The pipeline's entities. The agents issue persists and drives them; they are defined here so the
// domain has one vocabulary from the start.

[Orleans.GenerateSerializer]
public enum AnomalySeverity { Low, Medium, High, Critical }

[Orleans.GenerateSerializer]
public enum AnomalyStatus { Detected, Validated, Dismissed }

/// <summary>
/// A sensor signal judged abnormal by the streaming detectors: the reading that raised it (<see cref="At"/>,
/// <see cref="Value"/>), the window of readings it was judged in, and which detectors fired. Validation sets
/// <see cref="Status"/>, its <see cref="Confidence"/> and the <see cref="Reason"/> in words.
/// </summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record Anomaly(
    Guid AnomalyId, long TenantId, long SensorKey, string SensorId, string? AssetId,
    DateTimeOffset At, DateTimeOffset DetectedAt, DateTimeOffset WindowStart, DateTimeOffset WindowEnd,
    double Value, double Score, AnomalySeverity Severity, IReadOnlyList<string> Detectors,
    AnomalyStatus Status, string CorrelationId, double? Confidence = null, string? Reason = null);

/// <summary>Failure risk and remaining useful life of an asset from a registered model (or the fallback).</summary>
public sealed record Prediction(
    Guid PredictionId, string AssetId, DateTimeOffset At, double FailureProbability, TimeSpan? RemainingUsefulLife,
    string ModelName, string ModelVersion, IReadOnlyDictionary<string, double> Explanation, string CorrelationId);

public enum CaseState { Open, AwaitingDecision, Approved, Rejected, Deferred, Scheduled, InProgress, Completed, Closed }

/// <summary>A confirmed problem on an asset that moves through the decision and scheduling workflow.</summary>
public sealed record MaintenanceCase(
    Guid CaseId, string AssetId, CaseState State, string Title, DateTimeOffset OpenedAt, string CorrelationId);

public enum DecisionVerdict { Approve, Reject, Defer }

/// <summary>A person's decision on a case, with the reason the audit trail keeps.</summary>
public sealed record Decision(
    Guid CaseId, DecisionVerdict Verdict, string Reason, string DecidedBy, DateTimeOffset DecidedAt, DateTimeOffset? DeferUntil);

public enum WorkOrderStatus { Planned, Assigned, InProgress, Completed, Cancelled }

/// <summary>A job for technicians created from an approved case.</summary>
public sealed record WorkOrder(
    Guid WorkOrderId, Guid CaseId, string AssetId, WorkOrderStatus Status, IReadOnlyList<string> RequiredSkills,
    DateTimeOffset DueBy, string? AssignedTechnicianId);

/// <summary>A person who carries out work orders, with the skills and shift that scheduling respects.</summary>
public sealed record Technician(
    string TechnicianId, string Name, IReadOnlyList<string> Skills, TimeOnly ShiftStart, TimeOnly ShiftEnd);

public enum ModelStage { None, Staging, Production, Archived }

/// <summary>A registered model version with the integrity hash of its artifact.</summary>
public sealed record ModelVersion(
    string Name, int Version, ModelStage Stage, IReadOnlyDictionary<string, double> Metrics, string ArtifactSha256,
    DateTimeOffset RegisteredAt);
