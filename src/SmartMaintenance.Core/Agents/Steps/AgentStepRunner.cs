using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Steps;

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
        var started = time.GetTimestamp();
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
                await Task.Delay(IsClusterHealing(ex) ? Min(delay, policy.ClusterRetryDelay) : delay, time);
                delay *= policy.Backoff;
            }
            catch (Exception ex) when (IsClusterHealing(ex) && time.GetElapsedTime(started) < policy.ClusterPatience)
            {
                logger.LogWarning("Agent step {Step} for {CorrelationId} waits for the cluster (attempt {Attempt}): {Error}",
                    step.Name, correlationId, attempt, ex.Message);
                await Task.Delay(policy.ClusterRetryDelay, time);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Agent step {Step} failed {Attempts} times for {CorrelationId}; dead-lettered", step.Name, attempt, correlationId);
                var letter = await deadLetters.AddAsync(new DeadLetter(0, tenantId, step.Name, correlationId,
                    AgentJson.Serialize(payload), Describe(ex), attempt, time.GetUtcNow(), null, null), CancellationToken.None);
                AgentTelemetry.DeadLetters.Add(1);
                await events.RecordAsync(tenantId, AgentEventTypes.DeadLettered, correlationId, AgentNames.Supervisor,
                    new DeadLettered(letter.Id, letter.Step, letter.Error, letter.Attempts));
                return;
            }
        }
    }

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
            new DeadLetterReplayed(letter.Id, letter.Step, error is null, error));
        return error;
    }

    /// <summary>
    /// A call refused because the node that held the agent is unreachable or gone (Orleans rejects it, or the connection
    /// to that node fails), or that got no answer in time (sent to a node that died with it): it succeeds once the cluster
    /// has moved the agent to a live node.
    /// </summary>
    public static bool IsClusterHealing(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>How a failure is recorded on a dead letter: the exception's type and message.</summary>
    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}
