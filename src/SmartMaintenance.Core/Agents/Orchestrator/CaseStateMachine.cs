using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Orchestrator;

/// <summary>
/// Which state a case may move to from which: open → awaiting decision → approved | rejected | deferred →
/// scheduled → in progress → completed → closed. Policy may approve an open case directly; a deferred case comes back
/// for a decision.
/// </summary>
public static class CaseStateMachine
{
    private static readonly Dictionary<CaseState, CaseState[]> Next = new()
    {
        [CaseState.Open] = [CaseState.AwaitingDecision, CaseState.Approved],
        [CaseState.AwaitingDecision] = [CaseState.Approved, CaseState.Rejected, CaseState.Deferred],
        [CaseState.Deferred] = [CaseState.AwaitingDecision, CaseState.Approved, CaseState.Rejected],
        [CaseState.Approved] = [CaseState.Scheduled],
        [CaseState.Scheduled] = [CaseState.InProgress, CaseState.Completed],
        [CaseState.InProgress] = [CaseState.Completed],
        [CaseState.Completed] = [CaseState.Closed],
        [CaseState.Rejected] = [CaseState.Closed],
        [CaseState.Closed] = [],
    };

    public static bool CanMove(CaseState from, CaseState to) => Next[from].Contains(to);

    /// <summary>Still being worked on: new evidence on the asset joins this case instead of opening another.</summary>
    public static bool IsActive(CaseState state) => state is not (CaseState.Rejected or CaseState.Completed or CaseState.Closed);

    public static IReadOnlyList<CaseState> ActiveStates { get; } = [.. Enum.GetValues<CaseState>().Where(IsActive)];

    /// <summary>The case in its new state, or null with the reason when the move is not allowed.</summary>
    public static (MaintenanceCase? Case, string? Error) Move(MaintenanceCase current, CaseState to, DateTimeOffset at) =>
        CanMove(current.State, to)
            ? (current with { State = to, UpdatedAt = at }, null)
            : (null, $"A case that is {Words(current.State)} cannot become {Words(to)}.");

    public static string Words(CaseState state) => state switch
    {
        CaseState.AwaitingDecision => "awaiting a decision",
        CaseState.InProgress => "in progress",
        _ => state.ToString().ToLowerInvariant(),
    };
}
