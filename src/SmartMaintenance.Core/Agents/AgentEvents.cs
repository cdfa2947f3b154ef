using System.Text.Json;
using System.Text.Json.Serialization;

using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents;

/// <summary>The names agents give their events in the audit trail; one place, so producers and readers agree.</summary>
public static class AgentEventTypes
{
    public const string AnomalyDetected = "AnomalyDetected";
    public const string DataQualityIssueRaised = "DataQualityIssueRaised";
    public const string AnomalyValidated = "AnomalyValidated";
    public const string AnomalyDismissed = "AnomalyDismissed";
    public const string MaintenancePredicted = "MaintenancePredicted";
    public const string CaseOpened = "CaseOpened";
    public const string EvidenceAttached = "EvidenceAttached";
    public const string HumanDecisionRequired = "HumanDecisionRequired";
    public const string HumanDecision = "HumanDecision";
    public const string DecisionEscalated = "DecisionEscalated";
    public const string MaintenanceScheduled = "MaintenanceScheduled";
    public const string MaintenanceCompleted = "MaintenanceCompleted";
    public const string CaseClosed = "CaseClosed";
    public const string DeadLettered = "DeadLettered";
    public const string FaultInjected = "FaultInjected";
    public const string OutcomeLabelled = "OutcomeLabelled";
    public const string ReportGenerated = "ReportGenerated";
    public const string DeadLetterReplayed = "DeadLetterReplayed";
    public const string DetectorSensitivityChanged = "DetectorSensitivityChanged";
    public const string CatalogChanged = "CatalogChanged";
    public const string AlarmRuleChanged = "AlarmRuleChanged";
    public const string AnomalyReviewed = "AnomalyReviewed";
    public const string UserCreated = "UserCreated";
    public const string UserDisabled = "UserDisabled";
    public const string UserEnabled = "UserEnabled";
    public const string UserPasswordReset = "UserPasswordReset";
    public const string UserPasswordChanged = "UserPasswordChanged";
    public const string ModelTrainingStarted = "ModelTrainingStarted";
    public const string ModelTrainingCompleted = "ModelTrainingCompleted";
    public const string ModelTrainingFailed = "ModelTrainingFailed";
    public const string ChallengerPromoted = "ChallengerPromoted";
    public const string ChallengerKept = "ChallengerKept";
    public const string ModelDriftChecked = "ModelDriftChecked";
    public const string RetentionPolicyChanged = "RetentionPolicyChanged";
    /// <summary>A retention run removed readings or roll-ups (or failed); the payload is its <see cref="Storage.Retention.RetentionRun"/>.</summary>
    public const string RetentionApplied = "RetentionApplied";
}

/// <summary>The agents that act; each event in the audit trail names its actor.</summary>
public static class AgentNames
{
    public const string DataAcquisition = "agent:DataAcquisition";
    public const string AnomalyDetection = "agent:AnomalyDetection";
    public const string Validation = "agent:Validation";
    public const string Prediction = "agent:Prediction";
    public const string Orchestrator = "agent:Orchestrator";
    public const string Scheduling = "agent:Scheduling";
    public const string MaintenanceLog = "agent:MaintenanceLog";
    public const string Learning = "agent:Learning";
    public const string Reporting = "agent:Reporting";
    /// <summary>The demo fleet and its fault drills.</summary>
    public const string Simulation = "agent:Simulation";
    /// <summary>The retry and dead-letter machinery itself.</summary>
    public const string Supervisor = "agent:Supervisor";
    /// <summary>The scheduled removal of old readings (<see cref="Storage.Retention.ReadingRetention"/>).</summary>
    public const string Retention = "agent:Retention";
}

/// <summary>A reading's time and value inside an event's context window.</summary>
[GenerateSerializer, Immutable]
public sealed record ContextPoint(DateTimeOffset At, double Value);

/// <summary>A sensor's signal turned abnormal: the reading, how abnormal, which detectors fired, and the window.</summary>
public sealed record AnomalyDetected(
    Guid AnomalyId, string SensorId, string? AssetId, DateTimeOffset At, double Value, double Score, double Z,
    AnomalySeverity Severity, IReadOnlyList<string> Detectors, IReadOnlyList<ContextPoint> Window);

/// <summary>Validation's verdict on an anomaly: kept (validated) or dismissed, with its confidence and why.</summary>
public sealed record AnomalyJudged(Guid AnomalyId, string SensorId, string? AssetId, double Confidence, string Reason);

/// <summary>A case changed state; what changed it and why.</summary>
public sealed record CaseChanged(
    Guid CaseId, string AssetId, string State, string Title, double FailureProbability, string Reason, AnomalySeverity? Severity = null);

/// <summary>A data-quality problem began on a sensor (stuck, out of range, a gap in the stream).</summary>
public sealed record DataQualityIssueRaised(string SensorId, string? AssetId, DateTimeOffset At, double Value, string Issues);

/// <summary>An admin set (or, with a null sensitivity, removed) a sensor type's detector sensitivity.</summary>
public sealed record DetectorSensitivityChanged(string SensorType, double? Sensitivity, double FiringLevel);

/// <summary>
/// A person set (<c>set</c>) or removed (<c>removed</c>) the alarm rule of a sensor or sensor type (<c>scope</c>
/// <c>sensor</c> or <c>sensor_type</c>): the rule's figures after the change (none when removed) and the fields that changed.
/// </summary>
public sealed record AlarmRuleChanged(
    string Scope, string Target, string Action, double? High, double? Low, double? Hysteresis, double? DelaySeconds, double? MaxRatePerMinute,
    IReadOnlyList<string> Changed);

/// <summary>
/// A person acknowledged an anomaly (<c>acknowledged</c>), commented on it (<c>commented</c>) or marked it a true or a
/// false alarm for learning (<c>labelled</c>, with the <see cref="Label"/>); <see cref="Comment"/> is the comment or the mark's reason.
/// </summary>
public sealed record AnomalyReviewed(Guid AnomalyId, string SensorId, string? AssetId, string Action, AnomalyOutcome? Label, string? Comment);

/// <summary>An admin set (<c>set</c>) or removed (<c>removed</c>, figures null: keep everything) the tenant's retention policy.</summary>
public sealed record RetentionPolicyChanged(string Action, int? RawDays, int? MinuteRollupDays, int? HourRollupDays, bool? ExportDropped);

/// <summary>An admin created a web UI user (never the password).</summary>
public sealed record UserCreated(string Username, string DisplayName, string Role);

/// <summary>A site, asset or sensor was created or changed (the names of the fields that changed), through the API or the UI.</summary>
public sealed record CatalogChanged(string Kind, string Id, string Name, string Action, string? AssetId, IReadOnlyList<string> Changed);

/// <summary>An admin disabled, enabled or reset the password of a web UI user, or the user changed it (never the password itself).</summary>
public sealed record UserChanged(string Username);

/// <summary>A work order was planned for an approved case.</summary>
public sealed record MaintenanceScheduled(
    Guid WorkOrderId, Guid CaseId, string AssetId, int Priority, DateTimeOffset DueBy, IReadOnlyList<string> RequiredSkills);

/// <summary>A technician recorded what a work order found and took.</summary>
public sealed record MaintenanceCompleted(
    Guid WorkOrderId, Guid CaseId, MaintenanceOutcome Outcome, string Findings, IReadOnlyList<string> Parts, double DurationMinutes, string CompletedBy);

/// <summary>A closed case's outcome labelled its anomalies (true or false alarm) for learning.</summary>
public sealed record OutcomeLabelled(Guid CaseId, Guid WorkOrderId, AnomalyOutcome Label, IReadOnlyList<Guid> AnomalyIds);

/// <summary>An asset's failure risk and remaining useful life, with the model that judged it and why, and the anomaly it was made for.</summary>
public sealed record MaintenancePredicted(
    Guid PredictionId, string AssetId, double FailureProbability, double? RemainingUsefulLifeHours, string Model, bool IsFallback,
    string? FallbackReason, IReadOnlyDictionary<string, double> Explanation, double? ExplanationBase, int? AssetHealth, bool? AssetAbnormal,
    IReadOnlyList<string>? DrivingSensors, Guid? AnomalyId = null);

/// <summary>A report was generated and stored, with the SHA-256 a copy is checked against.</summary>
public sealed record ReportGenerated(Guid ReportId, string Kind, Guid CaseId, string Sha256);

/// <summary>An agent step kept failing and was parked for an operator.</summary>
public sealed record DeadLettered(long DeadLetterId, string Step, string Error, int Attempts);

/// <summary>An operator replayed a parked step, and whether it succeeded this time.</summary>
public sealed record DeadLetterReplayed(long DeadLetterId, string Step, bool Succeeded, string? Error);

/// <summary>A model's inputs were checked for drift: how many features moved, the worst three, and what was decided.</summary>
public sealed record ModelDriftChecked(
    string Model, int Version, int Rows, int DriftedFeatures, IReadOnlyList<DriftedFeature> Worst, string? Problem, string Decision, Guid? RetrainingRun);

/// <summary>One feature's drift figures in <see cref="ModelDriftChecked"/>.</summary>
public sealed record DriftedFeature(string Feature, double Psi, double KsStatistic, bool Drifted);

/// <summary>A demo fault was injected into an asset's sensors (the golden path).</summary>
public sealed record FaultInjected(string AssetId, string Kind, int DurationMinutes, bool AutoDecide);

/// <summary>
/// An anomaly just raised, on its way to be recorded and validated: the data-quality flags of the reading that raised
/// it, how far it was from the baseline, the window it was judged in, and when its readings were accepted.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DetectedAnomaly(
    Anomaly Anomaly, DataQualityIssues Issues, double Z, IReadOnlyList<ContextPoint> Window, DateTimeOffset AcceptedAt);

/// <summary>A closed case and its completed work order, on their way to Learning.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseOutcome(MaintenanceCase Case, WorkOrder WorkOrder);

/// <summary>A case of a tenant, on its way to Reporting.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseReference(long TenantId, Guid CaseId);

/// <summary>How event payloads are written into the audit trail: the API's snake_case, enums as strings.</summary>
public static class AgentJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T payload) => JsonSerializer.Serialize(payload, Options);

    /// <summary>A payload read back as its event record; null when it is not one (an entry of another shape).</summary>
    public static T? Deserialize<T>(string payload)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Appending one agent event, the way every agent does it.</summary>
public static class EventLogExtensions
{
    public static Task<IReadOnlyList<AuditEntry>> RecordAsync<T>(
        this Storage.IEventLog log, long tenantId, string type, string correlationId, string actor, T payload) =>
        log.AppendAsync([new AuditEvent(tenantId, type, correlationId, actor, AgentJson.Serialize(payload))], CancellationToken.None);
}
