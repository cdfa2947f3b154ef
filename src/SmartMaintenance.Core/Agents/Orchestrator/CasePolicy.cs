using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Orchestrator;

/// <summary>When a case may be approved without waiting for a person, and how long a person has to decide.</summary>
public sealed record CasePolicy
{
    /// <summary>Failure probability at or above which a case is approved at once.</summary>
    public double AutoApproveAt { get; init; } = 0.9;

    /// <summary>Remaining useful life below which a case is approved at once.</summary>
    public TimeSpan AutoApproveWhenRulBelow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a decision may wait before it is overdue.</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromHours(4);
}

/// <summary>
/// The persisted state of a case grain, replaced whole (<c>with</c>) on every move. Stored as JSON <c>{"Case": {...}}</c>,
/// the shape the earlier mutable class wrote, so cases saved before read back unchanged.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CaseGrainState
{
    [Id(0)]
    public MaintenanceCase? Case { get; init; }
}
