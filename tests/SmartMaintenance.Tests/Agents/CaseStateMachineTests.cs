using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Agents;

public sealed class CaseStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static MaintenanceCase Case(CaseState state) => new(Guid.NewGuid(), 1, "pump-1", state, "t", AnomalySeverity.High, 0.4, null,
        T0, T0, null, null, null, null, [], "c");

    [Theory]
    [InlineData(CaseState.Open, CaseState.AwaitingDecision)]
    [InlineData(CaseState.Open, CaseState.Approved)]
    [InlineData(CaseState.AwaitingDecision, CaseState.Deferred)]
    [InlineData(CaseState.Deferred, CaseState.AwaitingDecision)]
    [InlineData(CaseState.Approved, CaseState.Scheduled)]
    [InlineData(CaseState.Scheduled, CaseState.Completed)]
    [InlineData(CaseState.Completed, CaseState.Closed)]
    public void Allowed_moves_change_the_state_and_the_time(CaseState from, CaseState to)
    {
        var (moved, error) = CaseStateMachine.Move(Case(from), to, T0.AddMinutes(5));
        Assert.Null(error);
        Assert.Equal(to, moved!.State);
        Assert.Equal(T0.AddMinutes(5), moved.UpdatedAt);
    }

    [Theory]
    [InlineData(CaseState.Scheduled, CaseState.Rejected, "A case that is scheduled cannot become rejected.")]
    [InlineData(CaseState.Closed, CaseState.Approved, "A case that is closed cannot become approved.")]
    [InlineData(CaseState.AwaitingDecision, CaseState.Completed, "A case that is awaiting a decision cannot become completed.")]
    public void Other_moves_are_refused_with_a_reason_in_words(CaseState from, CaseState to, string reason)
    {
        var (moved, error) = CaseStateMachine.Move(Case(from), to, T0);
        Assert.Null(moved);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Rejected_completed_and_closed_cases_are_no_longer_active()
    {
        Assert.Equal(
            [CaseState.Open, CaseState.AwaitingDecision, CaseState.Approved, CaseState.Deferred, CaseState.Scheduled, CaseState.InProgress],
            CaseStateMachine.ActiveStates);
    }

    [Theory]
    [InlineData(DecisionVerdict.Approve, "ok, go", null, DecisionFault.None)]
    [InlineData(DecisionVerdict.Approve, "  no ", null, DecisionFault.Reason)]
    [InlineData(DecisionVerdict.Reject, "", null, DecisionFault.Reason)]
    [InlineData(DecisionVerdict.Defer, "wait for the shutdown", null, DecisionFault.DeferUntil)]
    [InlineData(DecisionVerdict.Defer, "wait for the shutdown", -1, DecisionFault.DeferUntil)]
    [InlineData(DecisionVerdict.Defer, "wait for the shutdown", 1, DecisionFault.None)]
    public void A_decision_needs_a_reason_and_a_deferral_a_future_time(DecisionVerdict verdict, string reason, int? deferHours, DecisionFault expected)
    {
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var request = new DecisionRequest(verdict, reason, "user:1:vera", deferHours is { } h ? now.AddHours(h) : null);

        Assert.Equal(expected, request.Check(now));
        Assert.Equal(DecisionFault.Reason, (request with { Reason = new string('x', DecisionRequest.MaxReasonLength + 1) }).Check(now));
    }
}
