using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.AnomalyDetection;
using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Learning;
using SmartMaintenance.Agents.Predictions;
using SmartMaintenance.Agents.Reporting;
using SmartMaintenance.Agents.Validation;
using SmartMaintenance.Detection;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents;

/// <summary>A hand-over from one agent to the next that is retried, and dead-lettered when it keeps failing.</summary>
public interface IAgentStep
{
    string Name { get; }

    /// <summary>Runs the step again from a dead letter's stored payload.</summary>
    Task ReplayAsync(IGrainFactory grains, string payload);
}

public sealed class AgentStep<T>(string name, Func<IGrainFactory, T, Task> run) : IAgentStep
{
    public string Name => name;

    public Task RunAsync(IGrainFactory grains, T payload) => run(grains, payload);

    public Task ReplayAsync(IGrainFactory grains, string payload) =>
        run(grains, JsonSerializer.Deserialize<T>(payload, AgentJson.Options) ?? throw new JsonException("The dead letter has no payload."));
}

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

/// <summary>Every retried step, by the name its dead letters carry.</summary>
public static class AgentSteps
{
    public static readonly AgentStep<SensorReadings> Judge = new("judge",
        (grains, batch) => grains.GetGrain<ISensorAgent>(batch.Sensor.Key).ObserveAsync(batch));

    public static readonly AgentStep<DetectedAnomaly> Validate = new("validate",
        (grains, detected) => grains.GetGrain<IValidationAgent>(detected.Anomaly.SensorKey).ValidateAsync(detected));

    public static readonly AgentStep<Anomaly> Assess = new("assess",
        (grains, anomaly) => grains.GetGrain<IAssetAgent>(AssetAgent.KeyOf(anomaly.TenantId, anomaly.AssetId!)).AssessAsync(anomaly));

    public static readonly AgentStep<CaseOutcome> Learn = new("learn",
        (grains, outcome) => grains.GetGrain<ILearningAgent>(outcome.Case.TenantId).RecordOutcomeAsync(outcome.Case, outcome.WorkOrder));

    public static readonly AgentStep<CaseReference> Report = new("report",
        (grains, reference) => grains.GetGrain<IReportingAgent>(reference.TenantId).WriteCaseReportAsync(reference.CaseId));

    public static IReadOnlyList<IAgentStep> All { get; } = [Judge, Validate, Assess, Learn, Report];

    public static IAgentStep? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}

/// <summary>How often and how patiently a failing step is retried before it is dead-lettered.</summary>
public sealed record StepRetryPolicy
{
    public int Attempts { get; init; } = 3;
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public double Backoff { get; init; } = 4;
}

/// <summary>
/// Resilience drills: makes named steps fail their next attempts (<c>SMX_AGENT_FAULTS</c>, e.g. <c>assess:3</c>), so
/// operators can watch retries, dead letters and replay work before a real failure needs them.
/// </summary>
public sealed class AgentFaults
{
    private readonly ConcurrentDictionary<string, int> _remaining = new(StringComparer.Ordinal);

    public AgentFaults(string? specification)
    {
        foreach (var part in (specification ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length != 2 || AgentSteps.Find(pieces[0]) is null || !int.TryParse(pieces[1], CultureInfo.InvariantCulture, out var count) || count < 0)
            {
                throw new ArgumentException(
                    $"Agent fault '{part}' is not step:count with a step among {string.Join(", ", AgentSteps.All.Select(s => s.Name))}.",
                    nameof(specification));
            }

            _remaining[pieces[0]] = count;
        }
    }

    public void ThrowIfInjected(string step)
    {
        if (_remaining.TryGetValue(step, out var left) && left > 0 && _remaining.TryUpdate(step, left - 1, left))
        {
            throw new InvalidOperationException($"Injected fault in step '{step}' (resilience drill; {left - 1} more to come).");
        }
    }
}

/// <summary>Runs steps with retries and backoff; parks a step that still fails in the dead-letter table, and replays it.</summary>
public sealed class AgentStepRunner(
    IGrainFactory grains, IDeadLetterStore deadLetters, IEventLog events, StepRetryPolicy policy, AgentFaults faults,
    TimeProvider time, ILogger<AgentStepRunner> logger)
{
    public async Task RunAsync<T>(AgentStep<T> step, long tenantId, string correlationId, T payload)
    {
        using var activity = Telemetry.Agents.StartActivity(step.Name);
        activity?.SetTag("smx.tenant_id", tenantId);
        activity?.SetTag("smx.correlation_id", correlationId);
        var delay = policy.FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                faults.ThrowIfInjected(step.Name);
                await step.RunAsync(grains, payload);
                return;
            }
            catch (Exception ex) when (attempt < policy.Attempts)
            {
                logger.LogWarning(ex, "Agent step {Step} failed (attempt {Attempt} of {Attempts}) for {CorrelationId}; retrying",
                    step.Name, attempt, policy.Attempts, correlationId);
                await Task.Delay(delay, time);
                delay *= policy.Backoff;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Agent step {Step} failed {Attempts} times for {CorrelationId}; dead-lettered", step.Name, attempt, correlationId);
                var letter = await deadLetters.AddAsync(new DeadLetter(0, tenantId, step.Name, correlationId,
                    AgentJson.Serialize(payload), Describe(ex), attempt, time.GetUtcNow(), null, null), CancellationToken.None);
                AgentTelemetry.DeadLetters.Add(1);
                await events.RecordAsync(tenantId, AgentEventTypes.DeadLettered, correlationId, AgentNames.Supervisor,
                    new { DeadLetterId = letter.Id, letter.Step, letter.Error, letter.Attempts });
                return;
            }
        }
    }

    /// <summary>
    /// Runs work off the calling grain's turn, so a grain that judges a stream does not wait for the writes and the
    /// downstream agents its findings set off. Failures are logged (steps run through <see cref="RunAsync{T}"/>
    /// already retry and dead-letter themselves).
    /// </summary>
    public void Detach(string what, Func<Task> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{What} failed", what);
        }
    });

    /// <summary>Runs a dead letter's step once more; returns null when it succeeded, else the error (the letter stays open).</summary>
    public async Task<string?> ReplayAsync(DeadLetter letter)
    {
        var step = AgentSteps.Find(letter.Step);
        string? error = null;
        try
        {
            if (step is null)
            {
                throw new InvalidOperationException($"No agent step is named '{letter.Step}'.");
            }

            faults.ThrowIfInjected(step.Name);
            await step.ReplayAsync(grains, letter.Payload);
        }
        catch (Exception ex)
        {
            error = Describe(ex);
        }

        await deadLetters.MarkReplayedAsync(letter.Id, time.GetUtcNow(), error, CancellationToken.None);
        await events.RecordAsync(letter.TenantId, AgentEventTypes.DeadLetterReplayed, letter.CorrelationId, AgentNames.Supervisor,
            new { DeadLetterId = letter.Id, letter.Step, Succeeded = error is null, Error = error });
        return error;
    }

    /// <summary>How a failure is recorded on a dead letter: the exception's type and message.</summary>
    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}
