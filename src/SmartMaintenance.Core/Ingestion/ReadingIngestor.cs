using System.Buffers;

using Microsoft.Extensions.Options;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Ingestion;

public enum ReadingFormat
{
    JsonArray,
    NdJson,
    Csv,
}

/// <summary>Who is sending a batch: the tenant it belongs to and what the sender's key allows.</summary>
public readonly record struct IngestSender(long TenantId, bool AutoRegisterSensors);

/// <summary>
/// The one ingestion path, used by the HTTP API, the CLI's file import and the demo simulator alike:
/// parse → validate → durable append → per-item report.
/// </summary>
public sealed class ReadingIngestor(
    SensorDirectory directory, ICatalogStore catalog, IReadingStore store, TimeProvider time, IOptions<IngestionOptions> options,
    IAcceptedReadingsSink? agents = null)
{
    private const string DuplicateReason = "duplicate: this sensor already has a reading at this timestamp";

    /// <exception cref="BatchFormatException">The body cannot be read at all; nothing was stored.</exception>
    /// <exception cref="BatchTooLargeException">The body holds more items than allowed; nothing was stored.</exception>
    /// <remarks><c>maxItems</c> lowers the configured item limit for this call (1 for single-reading endpoints).</remarks>
    public async Task<IngestReport> IngestAsync(
        IngestSender sender, ReadOnlyMemory<byte> body, ReadingFormat format, CancellationToken cancellationToken, int? maxItems = null)
    {
        using var activity = Telemetry.Ingestion.StartActivity("ingest readings");
        activity?.SetTag("smx.tenant_id", sender.TenantId);
        activity?.SetTag("smx.format", format.ToString());
        var sensors = await directory.GetAsync(sender.TenantId, cancellationToken);
        var limits = options.Value;
        if (maxItems is { } max && max < limits.MaxBatchItems)
        {
            limits = new IngestionOptions { MaxBodyBytes = limits.MaxBodyBytes, MaxBatchItems = max, MaxClockSkew = limits.MaxClockSkew };
        }

        using var builder = new ReadingBatchBuilder(
            sensors, sender.AutoRegisterSensors, time.GetUtcNow(), limits, capacityHint: body.Length / 64);
        ReadingBatchParser.Parse(body.Span, format, builder);

        if (builder.Pending.Count > 0)
        {
            await RegisterPendingSensorsAsync(sender.TenantId, builder, cancellationToken);
        }

        activity?.SetTag("smx.readings.received", builder.Report.Received);
        var report = builder.Report;
        var inserted = ArrayPool<bool>.Shared.Rent(builder.Count);
        try
        {
            await store.AppendAsync(sender.TenantId, builder.Readings, inserted.AsMemory(0, builder.Count), cancellationToken);
            ReportDuplicates(builder, inserted, report);
            if (agents is not null)
            {
                await agents.PublishAsync(sender.TenantId, Stored(builder.Readings.Span, inserted, builder.Count - report.Duplicates),
                    CancellationToken.None);
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(inserted);
        }

        report.Accepted = builder.Count - report.Duplicates;
        report.Rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        Telemetry.ReadingsAccepted.Add(report.Accepted);
        if (report.Rejected.Count > report.Duplicates)
        {
            Telemetry.ReadingsRejected.Add(report.Rejected.Count - report.Duplicates, new KeyValuePair<string, object?>("reason", "invalid"));
        }

        if (report.Duplicates > 0)
        {
            Telemetry.ReadingsRejected.Add(report.Duplicates, new KeyValuePair<string, object?>("reason", "duplicate"));
        }

        return report;
    }

    /// <summary>The readings that were stored (not duplicates), copied out of the builder's pooled buffer.</summary>
    private static Reading[] Stored(ReadOnlySpan<Reading> readings, bool[] inserted, int count)
    {
        var stored = new Reading[count];
        var n = 0;
        for (var i = 0; i < readings.Length; i++)
        {
            if (inserted[i])
            {
                stored[n++] = readings[i];
            }
        }

        return stored;
    }

    private static void ReportDuplicates(ReadingBatchBuilder builder, bool[] inserted, IngestReport report)
    {
        var indices = builder.Indices;
        for (var i = 0; i < indices.Length; i++)
        {
            if (!inserted[i])
            {
                report.Duplicates++;
                report.Rejected.Add(new IngestError(indices[i], "timestamp", DuplicateReason));
            }
        }
    }

    private async Task RegisterPendingSensorsAsync(long tenantId, ReadingBatchBuilder builder, CancellationToken cancellationToken)
    {
        var registered = new Dictionary<string, Sensor>(StringComparer.Ordinal);
        foreach (var pending in builder.Pending)
        {
            if (registered.ContainsKey(pending.SensorId))
            {
                continue;
            }

            var sensor = await catalog.FindSensorAsync(tenantId, pending.SensorId, cancellationToken);
            if (sensor is null)
            {
                var fresh = new Sensor(0, tenantId, pending.SensorId, null, "generic", UnitNames.Canonical(pending.Unit),
                    null, null, 0, AutoRegistered: true, time.GetUtcNow());
                (_, sensor) = await catalog.UpsertSensorAsync(tenantId, fresh, cancellationToken);
                if (sensor is not null)
                {
                    builder.Report.RegisteredSensors.Add(sensor.SensorId);
                }
            }

            if (sensor is not null)
            {
                registered[pending.SensorId] = sensor;
            }
        }

        directory.Invalidate(tenantId);
        builder.ResolvePending(id => registered.GetValueOrDefault(id));
    }
}
