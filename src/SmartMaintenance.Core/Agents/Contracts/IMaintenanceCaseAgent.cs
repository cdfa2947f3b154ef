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
public sealed record DecisionRequest(DecisionVerdict Verdict, string Reason, string DecidedBy, DateTimeOffset? DeferUntil)
{
    public const int MinReasonLength = 3;
    public const int MaxReasonLength = 2000;

    /// <summary>
    /// What makes a decision acceptable whatever the case's state, checked alike by the REST API, the case page and the
    /// case's agent: a reason of 3 to 2,000 characters, and a deferral until a time in the future.
    /// </summary>
    public DecisionFault Check(DateTimeOffset now) =>
        Reason?.Trim() is not { Length: >= MinReasonLength and <= MaxReasonLength } ? DecisionFault.Reason
        : Verdict == DecisionVerdict.Defer && (DeferUntil is not { } until || until <= now) ? DecisionFault.DeferUntil
        : DecisionFault.None;

    /// <summary>The fault in words (the API's problem detail and the agent's refusal).</summary>
    public static string Describe(DecisionFault fault) => fault switch
    {
        DecisionFault.Reason => $"Give a reason ({MinReasonLength} to {MaxReasonLength:N0} characters): it goes into the audit trail with the decision.",
        DecisionFault.DeferUntil => "A deferral needs defer_until, a time in the future.",
        _ => "",
    };
}

/// <summary>Why <see cref="DecisionRequest.Check"/> refused a decision.</summary>
public enum DecisionFault { None, Reason, DeferUntil }

/// <summary>The case after a command, or why the command was refused (the case is unchanged then).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseCommandResult(MaintenanceCase? Case, string? Error, bool NotFound = false);
