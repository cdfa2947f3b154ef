using SmartMaintenance.Agents.Predictions;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>How the pages write an asset's health, so the fleet and the case page read alike.</summary>
public static class AssetHealthText
{
    /// <summary>The sensors that drive the departure with their shares ("pump-temp 54 %, pump-current 39 %"), or "—".</summary>
    public static string Drivers(AssetHealthReport? health) =>
        health is { Drivers.Count: > 0 } ? string.Join(", ", health.Drivers.Select(d => $"{d.SensorId} {d.Share:P0}")) : "—";
}
