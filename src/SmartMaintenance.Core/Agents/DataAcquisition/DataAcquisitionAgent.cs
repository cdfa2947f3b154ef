using System.Diagnostics;
using System.Threading.Channels;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.AnomalyDetection;
using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Agents.DataAcquisition;

/// <summary>
/// The original system's DataAcquisition agent: takes every batch of durable readings from ingestion, splits it by
/// sensor and hands each part to that sensor's agent. Batches are routed one at a time, so each sensor agent sees
/// its readings in the order they were stored.
/// </summary>
public sealed class DataAcquisitionAgent(
    AgentStepRunner steps, SensorDirectory directory, TimeProvider time, ILogger<DataAcquisitionAgent> logger)
    : BackgroundService, IAcceptedReadingsSink
{
    /// <summary>Batches waiting to be routed before ingestion is made to wait.</summary>
    public const int Capacity = 64;

    private static readonly Comparison<Reading> BySensorThenTime = static (a, b) =>
    {
        var c = a.SensorKey.CompareTo(b.SensorKey);
        return c != 0 ? c : a.TimestampMicros.CompareTo(b.TimestampMicros);
    };

    private readonly Channel<Accepted> _queue = Channel.CreateBounded<Accepted>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public async ValueTask PublishAsync(long tenantId, Reading[] readings, CancellationToken cancellationToken)
    {
        if (readings.Length == 0)
        {
            return;
        }

        try
        {
            // The queue breaks the call chain: the trace of the request that stored the readings travels with them.
            await _queue.Writer.WriteAsync(new Accepted(tenantId, readings, time.GetUtcNow(), Activity.Current?.Context ?? default), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Shutting down: the readings are durable; only their judgement is skipped, and the log says so.
            logger.LogWarning("Agents are stopping; {Count} stored readings of tenant {TenantId} were not judged", readings.Length, tenantId);
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var calls = new List<Task>();
        await foreach (var batch in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RouteAsync(batch, calls, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AgentTelemetry.RoutingFailures.Add(1);
                logger.LogError(ex, "Routing {Count} readings of tenant {TenantId} to sensor agents failed", batch.Readings.Length, batch.TenantId);
            }
        }
    }

    private async Task RouteAsync(Accepted batch, List<Task> calls, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Agents.StartActivity("route readings", ActivityKind.Internal, batch.Trace);
        activity?.SetTag("smx.tenant_id", batch.TenantId);
        activity?.SetTag("smx.readings", batch.Readings.Length);
        var sensors = await directory.GetAsync(batch.TenantId, cancellationToken);
        var readings = batch.Readings;
        Array.Sort(readings, BySensorThenTime);
        calls.Clear();
        for (var start = 0; start < readings.Length;)
        {
            var key = readings[start].SensorKey;
            var end = start + 1;
            while (end < readings.Length && readings[end].SensorKey == key)
            {
                end++;
            }

            // A sensor deleted since its readings were stored has no agent to judge them.
            if (sensors.FindByKey(key) is { } sensor)
            {
                calls.Add(steps.RunAsync(AgentSteps.Judge, batch.TenantId, $"readings:{sensor.SensorId}",
                    new SensorReadings(sensor, readings[start..end], batch.AcceptedAt)));
            }

            start = end;
        }

        await Task.WhenAll(calls);
    }

    private sealed record Accepted(long TenantId, Reading[] Readings, DateTimeOffset AcceptedAt, ActivityContext Trace);
}
