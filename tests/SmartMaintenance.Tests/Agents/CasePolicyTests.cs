using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Agents;

public sealed class CasePolicyTests
{
    private static readonly CasePolicy Policy = new();

    private static Prediction Predicted(double probability, double? rulHours = null) => new(
        Guid.NewGuid(), 1, "pump-1", DateTimeOffset.UnixEpoch, probability, rulHours is { } h ? TimeSpan.FromHours(h) : null,
        "m", "1", false, new Dictionary<string, double>(), "c");

    [Fact]
    public void A_high_risk_is_approved_at_once_only_when_the_evidence_is_corroborated()
    {
        var corroborated = Policy.Judge(Predicted(0.95), corroborated: true);
        Assert.True(corroborated.Approve);
        Assert.Contains("at or above 0.90", corroborated.Reason, StringComparison.Ordinal);

        var lone = Policy.Judge(Predicted(0.95), corroborated: false);
        Assert.False(lone.Approve);
        Assert.Contains("one uncorroborated anomaly", lone.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_remaining_life_triggers_the_policy_too_and_a_low_risk_never_does()
    {
        Assert.True(Policy.Judge(Predicted(0.3, rulHours: 10), corroborated: true).Approve);
        Assert.False(Policy.Judge(Predicted(0.3, rulHours: 10), corroborated: false).Approve);
        var low = Policy.Judge(Predicted(0.3, rulHours: 400), corroborated: true);
        Assert.Equal((false, "failure probability below the auto-approval policy"), (low.Approve, low.Reason));
    }
}
