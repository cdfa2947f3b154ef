using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Prediction agent, one grain per asset (key <c>"{tenantId}/{assetId}"</c>): assesses the
/// asset after a validated anomaly and hands the result to the asset's open case, or opens one; and keeps the asset's
/// health from all its sensors together, refreshed every minute and on every validated anomaly.
/// </summary>
public interface IAssetAgent : IGrainWithStringKey
{
    Task<Prediction> AssessAsync(Anomaly validated);

    /// <summary>Judges the complete minutes since the last refresh and returns the asset's health (null with fewer than two sensors).</summary>
    Task<Predictions.AssetHealthReport?> RefreshHealthAsync();

    /// <summary>The latest health without reading anything new.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<Predictions.AssetHealthReport?> GetHealthAsync();
}
