using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Orchestrator, one grain per maintenance case: it owns the case's state (persisted, so a
/// restart resumes it) and moves it through <see cref="Orchestrator.CaseStateMachine"/>.
/// </summary>
public interface IMaintenanceCaseAgent : IGrainWithGuidKey
{
    /// <summary>Opens the case from a validated anomaly and its prediction, then applies the decision policy.</summary>
    Task<MaintenanceCase> OpenAsync(Anomaly anomaly, Prediction prediction);

    /// <summary>Adds a further anomaly and the newer prediction of the same asset to this case.</summary>
    Task<MaintenanceCase> AttachAsync(Anomaly anomaly, Prediction prediction);

    /// <summary>A person's approve | reject | defer (HumanInterface).</summary>
    Task<CaseCommandResult> DecideAsync(DecisionRequest request);

    /// <summary>The case's work order was completed (MaintenanceLog).</summary>
    Task<CaseCommandResult> CompleteAsync(WorkOrder completed);

    /// <summary>
    /// Applies what time alone changes: an overdue decision is escalated (and due again after another timeout), an
    /// ended deferral brings the case back for a decision. Does nothing when nothing is due.
    /// </summary>
    Task<MaintenanceCase?> CheckDueAsync();

    Task<MaintenanceCase?> GetAsync();
}

[GenerateSerializer, Immutable]
public sealed record DecisionRequest(DecisionVerdict Verdict, string Reason, string DecidedBy, DateTimeOffset? DeferUntil);

/// <summary>The case after a command, or why the command was refused (the case is unchanged then).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseCommandResult(MaintenanceCase? Case, string? Error, bool NotFound = false);
