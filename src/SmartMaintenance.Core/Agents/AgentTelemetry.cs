using System.Diagnostics.Metrics;

namespace SmartMaintenance.Agents;

/// <summary>The agents' meter.</summary>
public static class AgentTelemetry
{
    public const string MeterName = "SmartMaintenance.Agents";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> ReadingsObserved =
        Meter.CreateCounter<long>("smx.agents.readings_observed", "{reading}", "Readings judged by sensor agents");

    public static readonly Counter<long> ReadingsCaughtUp =
        Meter.CreateCounter<long>("smx.agents.readings_caught_up", "{reading}",
            "Stored readings a sensor agent judged after its watermark on activation or after a cluster change (at-least-once judging)");

    public static readonly Counter<long> AnomaliesDetected =
        Meter.CreateCounter<long>("smx.agents.anomalies_detected", "{anomaly}", "Anomalies raised by sensor agents");

    public static readonly Histogram<double> DetectionLatency = Meter.CreateHistogram(
        "smx.agents.detection_latency", "s", "From a reading's durable acceptance to its AnomalyDetected",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Telemetry.LatencyBuckets });

    public static readonly Histogram<double> JudgementLatency = Meter.CreateHistogram(
        "smx.agents.judgement_latency", "s", "From a batch's durable acceptance until its sensor agent has judged it",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Telemetry.LatencyBuckets });

    public static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("smx.agents.dead_letters", "{step}", "Agent steps parked after their retries failed");

    public static readonly Counter<long> RoutingFailures =
        Meter.CreateCounter<long>("smx.agents.routing_failures", "{batch}", "Sensor batches a sensor agent failed to process");
}
