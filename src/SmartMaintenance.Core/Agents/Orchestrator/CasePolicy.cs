using System.Globalization;

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

    /// <summary>
    /// Whether a case is approved without a person: the prediction must reach the policy's risk or remaining-life
    /// limit, and the evidence must be corroborated (validation found another sensor of the asset, or this sensor again,
    /// behind it; or the case holds more than one anomaly). A lone outlier, however high the risk it moves, waits for a
    /// person. The reason says which, for the audit trail.
    /// </summary>
    public AutoApproval Judge(Prediction prediction, bool corroborated)
    {
        var trigger = prediction.FailureProbability >= AutoApproveAt
            ? string.Create(CultureInfo.InvariantCulture, $"failure probability {prediction.FailureProbability:0.00} is at or above {AutoApproveAt:0.00}")
            : prediction.RemainingUsefulLife is { } rul && rul < AutoApproveWhenRulBelow
                ? string.Create(CultureInfo.InvariantCulture, $"remaining useful life {rul.TotalHours:0.0} h is below {AutoApproveWhenRulBelow.TotalHours:0} h")
                : null;
        return (trigger, corroborated) switch
        {
            (null, _) => new(false, "failure probability below the auto-approval policy"),
            (_, true) => new(true, $"policy: {trigger}, and the evidence is corroborated"),
            _ => new(false, $"the policy would approve ({trigger}) but the evidence is one uncorroborated anomaly"),
        };
    }
}

/// <summary>The policy's verdict on a case: approve it now, or not, and why.</summary>
public readonly record struct AutoApproval(bool Approve, string Reason);

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
