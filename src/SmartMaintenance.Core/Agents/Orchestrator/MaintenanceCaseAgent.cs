using System.Globalization;

using Orleans.Runtime;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Scheduling;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Orchestrator;

public sealed class MaintenanceCaseAgent(
    [PersistentState("case", "cases")] IPersistentState<CaseGrainState> state,
    IMaintenanceStore store, IEventLog events, AgentStepRunner steps, CasePolicy policy, TimeProvider time)
    : Grain, IMaintenanceCaseAgent
{
    public Task<MaintenanceCase?> GetAsync() => Task.FromResult(state.State.Case);

    public async Task<MaintenanceCase> OpenAsync(Anomaly anomaly, Prediction prediction)
    {
        if (state.State.Case is { } existing)
        {
            return existing; // a retried open after the case was already written
        }

        var now = time.GetUtcNow();
        var opened = new MaintenanceCase(this.GetPrimaryKey(), anomaly.TenantId, prediction.AssetId, CaseState.Open,
            $"{anomaly.Severity} anomaly on {anomaly.SensorId}", anomaly.Severity, prediction.FailureProbability,
            prediction.RemainingUsefulLife, now, now, null, null, null, prediction.PredictionId, [anomaly.AnomalyId], anomaly.CorrelationId);
        await SaveAsync(opened, AgentEventTypes.CaseOpened, AgentNames.Orchestrator, string.Create(CultureInfo.InvariantCulture,
            $"anomaly {anomaly.AnomalyId} ({anomaly.Reason}); failure probability {prediction.FailureProbability:0.00}"));

        var verdict = policy.Judge(prediction, anomaly.Corroborated);
        if (verdict.Approve)
        {
            await ApproveAsync(new DecisionRequest(DecisionVerdict.Approve, verdict.Reason, "policy", null));
        }
        else
        {
            var waiting = MoveTo(opened, CaseState.AwaitingDecision, now) with { DecisionDueAt = now + policy.DecisionTimeout };
            await SaveAsync(waiting, AgentEventTypes.HumanDecisionRequired, AgentNames.Orchestrator,
                $"{verdict.Reason}; decide by {waiting.DecisionDueAt:u}");
        }

        return state.State.Case!;
    }

    public async Task<MaintenanceCase> AttachAsync(Anomaly anomaly, Prediction prediction)
    {
        var current = state.State.Case ?? throw new InvalidOperationException($"Case {this.GetPrimaryKey()} does not exist.");
        if (current.AnomalyIds.Contains(anomaly.AnomalyId))
        {
            return current;
        }

        var updated = current with
        {
            AnomalyIds = [.. current.AnomalyIds, anomaly.AnomalyId],
            PredictionId = prediction.PredictionId,
            FailureProbability = prediction.FailureProbability,
            RemainingUsefulLife = prediction.RemainingUsefulLife,
            Severity = anomaly.Severity > current.Severity ? anomaly.Severity : current.Severity,
            UpdatedAt = time.GetUtcNow(),
        };
        await SaveAsync(updated, AgentEventTypes.EvidenceAttached, AgentNames.Orchestrator,
            $"anomaly {anomaly.AnomalyId} on {anomaly.SensorId} (story {anomaly.CorrelationId})");

        // A second anomaly corroborates the first: a case the policy held back only for want of that is approved now.
        if (updated.State == CaseState.AwaitingDecision && policy.Judge(prediction, corroborated: true) is { Approve: true } verdict)
        {
            return await ApproveAsync(new DecisionRequest(DecisionVerdict.Approve, verdict.Reason, "policy", null));
        }

        return updated;
    }

    public async Task<CaseCommandResult> DecideAsync(DecisionRequest request)
    {
        if (state.State.Case is not { } current)
        {
            return new CaseCommandResult(null, "No such case.", NotFound: true);
        }

        var target = request.Verdict switch
        {
            DecisionVerdict.Approve => CaseState.Approved,
            DecisionVerdict.Reject => CaseState.Rejected,
            _ => CaseState.Deferred,
        };
        if (!CaseStateMachine.CanMove(current.State, target))
        {
            return new CaseCommandResult(null, CaseStateMachine.Move(current, target, time.GetUtcNow()).Error);
        }

        if (request.Check(time.GetUtcNow()) is not DecisionFault.None and var fault)
        {
            return new CaseCommandResult(null, DecisionRequest.Describe(fault));
        }

        return request.Verdict == DecisionVerdict.Approve
            ? new CaseCommandResult(await ApproveAsync(request), null)
            : new CaseCommandResult(await RecordDecisionAsync(current, request, target), null);
    }

    public async Task<CaseCommandResult> CompleteAsync(WorkOrder completed)
    {
        if (state.State.Case is not { } current)
        {
            return new CaseCommandResult(null, "No such case.", NotFound: true);
        }

        var (done, error) = CaseStateMachine.Move(current, CaseState.Completed, time.GetUtcNow());
        if (done is null)
        {
            return new CaseCommandResult(null, error);
        }

        // MaintenanceLog has recorded the completion itself; the case's own entry is its closing.
        await SaveAsync(done, null, AgentNames.Orchestrator, null);
        var closed = MoveTo(done, CaseState.Closed, done.UpdatedAt);
        await SaveAsync(closed, AgentEventTypes.CaseClosed, AgentNames.Orchestrator,
            $"work order {completed.WorkOrderId} completed: {completed.Completion?.Outcome}");
        await steps.RunAsync(AgentSteps.Learn, closed.TenantId, closed.CorrelationId, new CaseOutcome(closed, completed));
        await steps.RunAsync(AgentSteps.Report, closed.TenantId, closed.CorrelationId, new CaseReference(closed.TenantId, closed.CaseId));
        return new CaseCommandResult(closed, null);
    }

    public async Task<MaintenanceCase?> CheckDueAsync()
    {
        var now = time.GetUtcNow();
        if (state.State.Case is not { DueAt: { } due } current || due > now)
        {
            return state.State.Case;
        }

        if (current.State == CaseState.Deferred)
        {
            var back = MoveTo(current, CaseState.AwaitingDecision, now) with { DeferredUntil = null, DecisionDueAt = now + policy.DecisionTimeout };
            await SaveAsync(back, AgentEventTypes.HumanDecisionRequired, AgentNames.Orchestrator,
                $"the deferral ended at {due:u}; decide by {back.DecisionDueAt:u}");
            return back;
        }

        var escalated = current with { Escalations = current.Escalations + 1, DecisionDueAt = now + policy.DecisionTimeout, UpdatedAt = now };
        await SaveAsync(escalated, AgentEventTypes.DecisionEscalated, AgentNames.Orchestrator,
            $"no decision since {current.OpenedAt:u}, due {due:u}; escalation {escalated.Escalations}, next due {escalated.DecisionDueAt:u}");
        return escalated;
    }

    /// <summary>Approves, then asks Scheduling for the work order; the case is scheduled once it exists.</summary>
    private async Task<MaintenanceCase> ApproveAsync(DecisionRequest request)
    {
        var approved = await RecordDecisionAsync(state.State.Case!, request, CaseState.Approved);
        var workOrder = await GrainFactory.GetGrain<ISchedulingAgent>(approved.TenantId).CreateWorkOrderAsync(approved);
        var scheduled = MoveTo(approved, CaseState.Scheduled, time.GetUtcNow()) with { WorkOrderId = workOrder.WorkOrderId };
        await SaveAsync(scheduled, null, AgentNames.Orchestrator, null);
        return scheduled;
    }

    private async Task<MaintenanceCase> RecordDecisionAsync(MaintenanceCase current, DecisionRequest request, CaseState target)
    {
        var now = time.GetUtcNow();
        var decision = new Decision(Guid.NewGuid(), current.TenantId, current.CaseId, request.Verdict, request.Reason, request.DecidedBy,
            now, request.DeferUntil, current.CorrelationId);
        await store.SaveDecisionAsync(decision, CancellationToken.None);
        var decided = MoveTo(current, target, now) with { DeferredUntil = request.Verdict == DecisionVerdict.Defer ? request.DeferUntil : null };
        await SaveAsync(decided, AgentEventTypes.HumanDecision, request.DecidedBy,
            $"{request.Verdict.ToString().ToLowerInvariant()}: {request.Reason}");
        return decided;
    }

    /// <summary>
    /// A move this agent makes itself, after checking what allows it: through <see cref="CaseStateMachine"/> like every
    /// other, so a move the machine forbids is a fault here, not a state nobody planned.
    /// </summary>
    private static MaintenanceCase MoveTo(MaintenanceCase current, CaseState to, DateTimeOffset at) =>
        CaseStateMachine.Move(current, to, at) is { Case: { } moved } ? moved : throw new InvalidOperationException(
            $"Case {current.CaseId} cannot move from {current.State} to {to}.");

    /// <summary>Persists the grain state first (the truth), then its queryable copy, then the audit entry.</summary>
    private async Task SaveAsync(MaintenanceCase updated, string? eventType, string actor, string? reason)
    {
        state.State = state.State with { Case = updated };
        await state.WriteStateAsync();
        await store.SaveCaseAsync(updated, CancellationToken.None);
        if (eventType is not null)
        {
            await events.RecordAsync(updated.TenantId, eventType, updated.CorrelationId, actor, new CaseChanged(updated.CaseId,
                updated.AssetId, updated.State.ToString(), updated.Title, updated.FailureProbability, reason ?? "", updated.Severity));
        }
    }
}
