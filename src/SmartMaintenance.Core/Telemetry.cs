using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SmartMaintenance;

/// <summary>
/// The platform's meters and activity sources, one per area, named <c>SmartMaintenance.&lt;Area&gt;</c>. The sources
/// follow one reading from the request that brought it through the store and the agents to an anomaly as one trace.
/// </summary>
public static class Telemetry
{
    public const string IngestionMeterName = "SmartMaintenance.Ingestion";
    public const string StorageMeterName = "SmartMaintenance.Storage";
    public const string AgentsSourceName = "SmartMaintenance.Agents";

    /// <summary>Every activity source of the platform (the agents' meter is <c>AgentTelemetry</c>'s).</summary>
    public static readonly IReadOnlyList<string> SourceNames = [IngestionMeterName, StorageMeterName, AgentsSourceName];

    public static readonly ActivitySource Ingestion = new(IngestionMeterName);
    public static readonly ActivitySource Storage = new(StorageMeterName);
    public static readonly ActivitySource Agents = new(AgentsSourceName);

    private static readonly Meter IngestionMeter = new(IngestionMeterName);
    private static readonly Meter StorageMeter = new(StorageMeterName);

    public static readonly Counter<long> ReadingsAccepted =
        IngestionMeter.CreateCounter<long>("smx.readings.accepted", "{reading}", "Readings stored");

    public static readonly Counter<long> ReadingsRejected =
        IngestionMeter.CreateCounter<long>("smx.readings.rejected", "{reading}", "Readings refused, tagged by reason (invalid, duplicate)");

    /// <summary>Bucket bounds in seconds for latencies from a millisecond to a few seconds (the SDK's default starts at 5 s).</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    public static readonly Histogram<double> StoreWriteDuration = StorageMeter.CreateHistogram(
        "smx.store.write.duration", "s", "Time to make one group of readings durable",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    public static readonly Histogram<long> StoreWriteRows =
        StorageMeter.CreateHistogram<long>("smx.store.write.rows", "{reading}", "Readings per durable write (group commit size)");
}
