using System.Diagnostics.Metrics;

namespace SmartMaintenance;

/// <summary>The platform's meters, one per area, named <c>SmartMaintenance.&lt;Area&gt;</c>.</summary>
public static class Telemetry
{
    public const string IngestionMeterName = "SmartMaintenance.Ingestion";
    public const string StorageMeterName = "SmartMaintenance.Storage";

    private static readonly Meter IngestionMeter = new(IngestionMeterName);
    private static readonly Meter StorageMeter = new(StorageMeterName);

    public static readonly Counter<long> ReadingsAccepted =
        IngestionMeter.CreateCounter<long>("smx.readings.accepted", "{reading}", "Readings stored");

    public static readonly Counter<long> ReadingsRejected =
        IngestionMeter.CreateCounter<long>("smx.readings.rejected", "{reading}", "Readings refused, tagged by reason (invalid, duplicate)");

    public static readonly Histogram<double> StoreWriteDuration =
        StorageMeter.CreateHistogram<double>("smx.store.write.duration", "s", "Time to make one group of readings durable");

    public static readonly Histogram<long> StoreWriteRows =
        StorageMeter.CreateHistogram<long>("smx.store.write.rows", "{reading}", "Readings per durable write (group commit size)");
}
