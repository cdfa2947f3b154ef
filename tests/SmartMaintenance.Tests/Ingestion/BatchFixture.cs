using System.Text;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Tests.Ingestion;

/// <summary>Runs a parser over a text body against a small known set of sensors.</summary>
internal static class BatchFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static readonly TenantSensors Sensors = new(
    [
        new Sensor(1, 1, "pump-1-temp", "pump-1", "temperature", "°C", 0, 100, 5, false, Now),
        new Sensor(2, 1, "pump-1-vib", "pump-1", "vibration", "mm/s", null, null, 2, false, Now),
    ]);

    public static ReadingBatchBuilder Parse(string body, ReadingFormat format, bool autoRegister = false, IngestionOptions? options = null)
    {
        var builder = new ReadingBatchBuilder(Sensors, autoRegister, Now, options ?? new IngestionOptions());
        ReadingBatchParser.Parse(Encoding.UTF8.GetBytes(body), format, builder);
        return builder;
    }
}
