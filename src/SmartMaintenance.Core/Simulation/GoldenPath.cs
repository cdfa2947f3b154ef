using System.Text.Json;

using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents;
using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.MaintenanceLog;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Simulation;

/// <summary>One step of the golden path as it really happened: when, and the object it made.</summary>
public sealed record GoldenPathStep(string Name, string Status, DateTimeOffset? At, string? Actor, IReadOnlyDictionary<string, string> Links);

public sealed record GoldenPathStatus(string CorrelationId, string Status, string? Problem, IReadOnlyList<GoldenPathStep> Steps);

/// <summary>A run of the golden path as the list of past runs shows it: when, on which asset, who decided, how it stands.</summary>
public sealed record GoldenPathRun(string CorrelationId, DateTimeOffset StartedAt, string AssetId, bool AutoDecide, string Status);

/// <summary>
/// The end-to-end demo: injects a fault into a demo asset without an open case and follows the real pipeline by its
/// audit trail. With <c>autoDecide</c> it also plays the operator (approves when a decision is asked for) and the
/// technician (records the work as done), through the same agents people use.
/// </summary>
public sealed class GoldenPath(
    DemoFleetSimulator simulator, FaultDrills drills, IMaintenanceStore cases, IEventLog events, IGrainFactory grains,
    TimeProvider time, ILogger<GoldenPath> logger)
{
    public const string DemoOperator = "demo:golden-path-operator";
    public const string DemoTechnician = "demo:golden-path-technician";
    private const long TenantId = Tenant.DefaultId;
    private static readonly TimeSpan NoAnomalyAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FaultLasts = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan DriveFor = TimeSpan.FromMinutes(10);

    private static readonly (string Step, string[] Events)[] Steps =
    [
        ("fault_injected", [AgentEventTypes.FaultInjected]),
        ("anomaly_detected", [AgentEventTypes.AnomalyDetected]),
        ("anomaly_validated", [AgentEventTypes.AnomalyValidated]),
        ("maintenance_predicted", [AgentEventTypes.MaintenancePredicted]),
        ("case_opened", [AgentEventTypes.CaseOpened]),
        ("decision", [AgentEventTypes.HumanDecision]),
        ("maintenance_scheduled", [AgentEventTypes.MaintenanceScheduled]),
        ("maintenance_completed", [AgentEventTypes.MaintenanceCompleted]),
        ("case_closed", [AgentEventTypes.CaseClosed]),
    ];

    /// <summary>Starts a run; null with the reason when it cannot (demo off, or every demo asset busy with a case).</summary>
    public async Task<(string? CorrelationId, string? Error)> StartAsync(bool autoDecide, CancellationToken cancellationToken)
    {
        if (!simulator.Enabled)
        {
            return (null, "The demo fleet is off (SMX_DEMO=0); the golden path needs it.");
        }

        var busy = (await cases.ListCasesAsync(TenantId, CaseStateMachine.ActiveStates.ToArray(), null, 1000, cancellationToken))
            .Select(c => c.AssetId).ToHashSet(StringComparer.Ordinal);
        if (DemoFleet.Assets.FirstOrDefault(a => !busy.Contains(a.AssetId) && !drills.IsRunning(TenantId, a.AssetId)
                && DemoFleet.Sensors.Any(s => s.AssetId == a.AssetId)) is not { } asset)
        {
            return (null, "Every demo asset has an open case or a running golden path; decide or close one first.");
        }

        var correlationId = Guid.NewGuid().ToString("N");
        drills.Register(TenantId, asset.AssetId, correlationId, time.GetUtcNow() + FaultLasts + NoAnomalyAfter);
        await events.RecordAsync(TenantId, AgentEventTypes.FaultInjected, correlationId, AgentNames.Simulation,
            new FaultInjected(asset.AssetId, "step change on every sensor", 3, autoDecide));
        simulator.InjectFault(asset.AssetId, FaultLasts, magnitude: 6);
        if (autoDecide)
        {
            _ = Task.Run(() => DriveAsync(correlationId), CancellationToken.None);
        }

        return (correlationId, null);
    }

    /// <summary>The newest runs, newest first, each with how it stands now (from the audit trail: they survive restarts).</summary>
    public async Task<IReadOnlyList<GoldenPathRun>> RecentRunsAsync(int limit, CancellationToken cancellationToken)
    {
        var runs = new List<GoldenPathRun>();
        foreach (var started in await events.ListLatestAsync(TenantId, [AgentEventTypes.FaultInjected], limit, cancellationToken))
        {
            var fault = AgentJson.Deserialize<FaultInjected>(started.Payload);
            if (fault is not null && await StatusAsync(started.CorrelationId, cancellationToken) is { } status)
            {
                runs.Add(new GoldenPathRun(started.CorrelationId, started.At, fault.AssetId, fault.AutoDecide, status.Status));
            }
        }

        return runs;
    }

    public async Task<GoldenPathStatus?> StatusAsync(string correlationId, CancellationToken cancellationToken)
    {
        var story = await events.ListAsync(TenantId, correlationId, 0, 1000, cancellationToken);
        if (story.Count == 0 || story[0].Type != AgentEventTypes.FaultInjected)
        {
            return null;
        }

        var steps = new List<GoldenPathStep>();
        var previousDone = true;
        foreach (var (name, types) in Steps)
        {
            var entry = story.FirstOrDefault(e => types.Contains(e.Type));
            var status = entry is not null ? "done" : previousDone ? "running" : "pending";
            if (entry is null && name == "decision" && story.Any(e => e.Type == AgentEventTypes.HumanDecisionRequired))
            {
                status = "waiting"; // a person has to decide
            }

            steps.Add(new GoldenPathStep(name, status, entry?.At, entry?.Actor, entry is null ? new Dictionary<string, string>() : LinksOf(entry)));
            previousDone = entry is not null;
        }

        int Count(string type) => story.Count(e => e.Type == type);
        var problem = story.FirstOrDefault(e => e.Type == AgentEventTypes.DeadLettered) is { } parked
            ? $"{parked.Type}: {parked.Payload}"
            : Count(AgentEventTypes.AnomalyDetected) > 0 && Count(AgentEventTypes.AnomalyValidated) == 0
                && Count(AgentEventTypes.AnomalyDismissed) == Count(AgentEventTypes.AnomalyDetected)
                && time.GetUtcNow() - story[0].At > FaultLasts
                ? $"Every anomaly of the fault was dismissed: {story.Last(e => e.Type == AgentEventTypes.AnomalyDismissed).Payload}"
                : Count(AgentEventTypes.AnomalyDetected) == 0 && time.GetUtcNow() - story[0].At > NoAnomalyAfter
                    ? $"No anomaly was detected within {NoAnomalyAfter.TotalMinutes:0} minutes of the fault."
                    : null;
        var overall = steps[^1].Status == "done" ? "completed" : problem is not null ? "failed" : "running";
        return new GoldenPathStatus(correlationId, overall, problem, steps);
    }

    /// <summary>Plays operator and technician for an auto-decided run, through the agents, until the case closes.</summary>
    private async Task DriveAsync(string correlationId)
    {
        var deadline = time.GetUtcNow() + DriveFor;
        try
        {
            while (time.GetUtcNow() < deadline)
            {
                var story = await events.ListAsync(TenantId, correlationId, 0, 1000, CancellationToken.None);
                bool Has(string type) => story.Any(e => e.Type == type);
                if (Has(AgentEventTypes.CaseClosed) || Has(AgentEventTypes.DeadLettered))
                {
                    return;
                }

                if (Has(AgentEventTypes.HumanDecisionRequired) && !Has(AgentEventTypes.HumanDecision))
                {
                    var caseId = Guid.Parse(LinksOf(story.First(e => e.Type == AgentEventTypes.CaseOpened))["case_id"]);
                    await grains.GetGrain<IMaintenanceCaseAgent>(caseId).DecideAsync(
                        new DecisionRequest(DecisionVerdict.Approve, "golden-path demo: approved automatically", DemoOperator, null));
                }
                else if (story.FirstOrDefault(e => e.Type == AgentEventTypes.MaintenanceScheduled) is { } scheduled && !Has(AgentEventTypes.MaintenanceCompleted))
                {
                    await grains.GetGrain<IMaintenanceLogAgent>(TenantId).CompleteAsync(Guid.Parse(LinksOf(scheduled)["work_order_id"]),
                        new MaintenanceRecord(MaintenanceOutcome.ProblemFound, "golden-path demo: fault confirmed and cleared", [], 30,
                            DemoTechnician, time.GetUtcNow()));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), time);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The golden-path demo driver for {CorrelationId} stopped", correlationId);
        }
    }

    /// <summary>The ids an entry's payload names (anomaly, prediction, case, work order).</summary>
    private static Dictionary<string, string> LinksOf(AuditEntry entry)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var view = AuditEntryView.Of(entry);
        foreach (var name in (ReadOnlySpan<string>)["anomaly_id", "prediction_id", "case_id", "work_order_id", "asset_id"])
        {
            if (view.Text(name) is { } value)
            {
                links[name] = value;
            }
        }

        return links;
    }
}
