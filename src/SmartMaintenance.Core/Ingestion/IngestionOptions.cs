namespace SmartMaintenance.Ingestion;

/// <summary>Limits and rules of the ingestion path.</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest request body accepted by the readings endpoints.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most readings in one batch.</summary>
    public int MaxBatchItems { get; set; } = 50_000;

    /// <summary>How far ahead of the server's clock a timestamp may be (device clocks drift).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public const int MaxSensorIdLength = 128;
}
