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
    AnomalyStatus Status, string CorrelationId, double? Confidence = null, string? Reason = null)
{
    /// <summary>
    /// Whether validation found it corroborated (another sensor of the asset, or this sensor again, behind it). Carried
    /// from validation to the case on the way (a lone outlier is not approved without a person); not stored.
    /// </summary>
    [Orleans.Id(17)]
    public bool Corroborated { get; init; }
}

/// <summary>
/// Failure risk and remaining useful life of an asset, from the registry's production model or, while there is
/// none, from the statistical fallback (<see cref="IsFallback"/>). <see cref="Explanation"/> holds each feature's
/// additive contribution to the risk's log-odds (a registered model's: exact SHAP values of its failure margin),
/// starting from <see cref="ExplanationBase"/>.
/// </summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record Prediction(
    Guid PredictionId, long TenantId, string AssetId, DateTimeOffset At, double FailureProbability, TimeSpan? RemainingUsefulLife,
    string ModelName, string ModelVersion, bool IsFallback, IReadOnlyDictionary<string, double> Explanation, string CorrelationId)
{
    /// <summary>The log-odds before any feature moved it: the model's base value (SHAP), or the fallback's intercept.</summary>
    [Orleans.Id(11)]
    public double? ExplanationBase { get; init; }
}

[Orleans.GenerateSerializer]
public enum CaseState { Open, AwaitingDecision, Approved, Rejected, Deferred, Scheduled, InProgress, Completed, Closed }

/// <summary>
/// A confirmed problem on an asset that moves through decision, scheduling and completion. Its evidence is the
/// anomalies attached to it and the latest prediction; its story is the audit trail under <see cref="CorrelationId"/>.
/// </summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record MaintenanceCase(
    Guid CaseId, long TenantId, string AssetId, CaseState State, string Title, AnomalySeverity Severity,
    double FailureProbability, TimeSpan? RemainingUsefulLife, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? DecisionDueAt, DateTimeOffset? DeferredUntil, Guid? WorkOrderId, Guid? PredictionId,
    IReadOnlyList<Guid> AnomalyIds, string CorrelationId, int Escalations = 0)
{
    /// <summary>When time alone changes this case: a decision falls overdue, or a deferral ends.</summary>
    public DateTimeOffset? DueAt => State switch
    {
        CaseState.AwaitingDecision => DecisionDueAt,
        CaseState.Deferred => DeferredUntil,
        _ => null,
    };
}

[Orleans.GenerateSerializer]
public enum DecisionVerdict { Approve, Reject, Defer }

/// <summary>A decision on a case, by a person (or by policy), with the reason the audit trail keeps.</summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record Decision(
    Guid DecisionId, long TenantId, Guid CaseId, DecisionVerdict Verdict, string Reason, string DecidedBy,
    DateTimeOffset DecidedAt, DateTimeOffset? DeferUntil, string CorrelationId);

[Orleans.GenerateSerializer]
public enum WorkOrderStatus { Planned, Assigned, InProgress, Completed, Cancelled }

[Orleans.GenerateSerializer]
public enum MaintenanceOutcome { ProblemFound, NoProblemFound }

/// <summary>A job for technicians created from an approved case, and once done, what was found and done.</summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record WorkOrder(
    Guid WorkOrderId, long TenantId, Guid CaseId, string AssetId, WorkOrderStatus Status, IReadOnlyList<string> RequiredSkills,
    int Priority, DateTimeOffset DueBy, string? AssignedTechnicianId, DateTimeOffset CreatedAt, string CorrelationId,
    MaintenanceRecord? Completion = null);

/// <summary>What a technician recorded on completing a work order; the outcome labels the anomalies true or false alarms.</summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record MaintenanceRecord(
    MaintenanceOutcome Outcome, string Findings, IReadOnlyList<string> Parts, double DurationMinutes, string CompletedBy,
    DateTimeOffset CompletedAt);

/// <summary>What maintenance found about an anomaly: the ground truth learning trains and evaluates on.</summary>
/// <summary>
/// An anomaly labelled a true or a false alarm, the data the detectors and models learn from: by completed maintenance
/// (<see cref="WorkOrderId"/>, the work order whose outcome it is) or by a person reviewing the anomaly
/// (<see cref="LabelledBy"/>, with their <see cref="Comment"/>). A later label replaces an earlier one.
/// </summary>
public sealed record AnomalyLabel(Guid AnomalyId, long TenantId, AnomalyOutcome Label, Guid? WorkOrderId, DateTimeOffset LabelledAt,
    string? LabelledBy = null, string? Comment = null);

/// <summary>What a person did to an anomaly: acknowledged it, commented on it, or marked it a true or a false alarm.</summary>
public enum AnomalyNoteKind { Acknowledged, Comment, MarkedTrueAlarm, MarkedFalseAlarm }

/// <summary>One entry of an anomaly's review, oldest first: who, what and when (the comment's text, or the mark's reason).</summary>
public sealed record AnomalyNote(long Id, Guid AnomalyId, AnomalyNoteKind Kind, string Actor, string? Text, DateTimeOffset At);

public enum AnomalyOutcome { TrueAlarm, FalseAlarm }

/// <summary>A generated report: its kind, what it is about, and the SHA-256 of its body so a copy can be checked.</summary>
public sealed record Report(Guid ReportId, long TenantId, string Kind, string Subject, DateTimeOffset CreatedAt, string Sha256, string Body);
