using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Contracts;

/// <summary>
/// The original system's Prediction agent, one grain per asset (key <c>"{tenantId}/{assetId}"</c>): assesses the
/// asset after a validated anomaly and hands the result to the asset's open case, or opens one.
/// </summary>
public interface IAssetAgent : IGrainWithStringKey
{
    Task<Prediction> AssessAsync(Anomaly validated);
}
