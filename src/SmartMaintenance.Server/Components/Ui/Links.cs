using System.Globalization;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>Addresses of the UI's pages and downloads, built in one place so that pages link to each other alike.</summary>
public static class Links
{
    /// <summary>The sensor explorer on one sensor, following it live, or fixed on a window when one is given.</summary>
    public static string Explorer(string sensorId, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        from is { } f && to is { } t
            ? $"sensors/{Uri.EscapeDataString(sensorId)}?from={Iso(f)}&to={Iso(t)}"
            : $"sensors/{Uri.EscapeDataString(sensorId)}";

    /// <summary>The tenant's sensor's raw readings in [from, to) as CSV, for people signed in to the UI.</summary>
    public static string ReadingsCsv(long tenantId, string sensorId, DateTimeOffset from, DateTimeOffset to) =>
        string.Create(CultureInfo.InvariantCulture,
            $"download/sensors/{Uri.EscapeDataString(sensorId)}/readings.csv?from={Iso(from)}&to={Iso(to)}&tenant_id={tenantId}");

    public static string Case(Guid caseId) => $"cases/{caseId}";

    /// <summary>An anomaly's page: what raised it, the readings around it, its validation, and people's review.</summary>
    public static string Anomaly(Guid anomalyId) => $"anomalies/{anomalyId}";

    /// <summary>An asset's page: its health, sensors, anomalies, cases, predictions and maintenance.</summary>
    public static string Asset(string assetId) => $"assets/{Uri.EscapeDataString(assetId)}";

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));
}
