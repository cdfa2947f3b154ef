using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Models;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Predictions;

/// <summary>Prediction: see <see cref="Contracts.IAssetAgent"/> and <see cref="Models.StatisticalHealthModel"/>.</summary>
public sealed class AssetAgent(
    ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, IPredictionStore predictions, IMaintenanceStore cases,
    IEventLog events, TimeProvider time)
    : Grain, IAssetAgent
{
    public static string KeyOf(long tenantId, string assetId) => $"{tenantId}/{assetId}";

    public async Task<Prediction> AssessAsync(Anomaly validated)
    {
        var tenantId = validated.TenantId;
        var assetId = validated.AssetId ?? throw new ArgumentException("Only anomalies of sensors on an asset are assessed.", nameof(validated));
        var now = time.GetUtcNow();
        var assessment = StatisticalHealthModel.Assess(await GatherAsync(tenantId, assetId, now));
        var prediction = new Prediction(Guid.NewGuid(), tenantId, assetId, now, assessment.FailureProbability,
            assessment.RemainingUsefulLife, StatisticalHealthModel.Name, StatisticalHealthModel.Version, IsFallback: true,
            assessment.Explanation, validated.CorrelationId);
        await predictions.SaveAsync(prediction, CancellationToken.None);
        await events.RecordAsync(tenantId, AgentEventTypes.MaintenancePredicted, validated.CorrelationId, AgentNames.Prediction, new
        {
            prediction.PredictionId,
            prediction.AssetId,
            prediction.FailureProbability,
            RemainingUsefulLifeHours = prediction.RemainingUsefulLife?.TotalHours,
            Model = $"{prediction.ModelName} v{prediction.ModelVersion}",
            prediction.IsFallback,
            prediction.Explanation,
        });

        var open = await cases.ListCasesAsync(tenantId, CaseStateMachine.ActiveStates.ToArray(), assetId, 1, CancellationToken.None);
        if (open.Count > 0)
        {
            await GrainFactory.GetGrain<IMaintenanceCaseAgent>(open[0].CaseId).AttachAsync(validated, prediction);
        }
        else
        {
            await GrainFactory.GetGrain<IMaintenanceCaseAgent>(Guid.NewGuid()).OpenAsync(validated, prediction);
        }

        return prediction;
    }

    private async Task<AssetHealthInputs> GatherAsync(long tenantId, string assetId, DateTimeOffset now)
    {
        var nowMicros = UnixMicros.From(now);
        var health = new List<SensorHealth>();
        foreach (var sensor in await catalog.ListSensorsAsync(tenantId, assetId, CancellationToken.None))
        {
            var minutes = await readings.SeriesAsync(tenantId, sensor.Key, RollupResolution.Minute,
                nowMicros - (6 * UnixMicros.PerHour), nowMicros + UnixMicros.PerMinute, CancellationToken.None);
            var hours = await readings.SeriesAsync(tenantId, sensor.Key, RollupResolution.Hour,
                nowMicros - (7 * 24 * UnixMicros.PerHour), nowMicros + UnixMicros.PerHour, CancellationToken.None);
            health.Add(StatisticalHealthModel.Describe(sensor, minutes, hours));
        }

        var recent = await anomalies.ListAsync(tenantId, new AnomalyQuery(AssetId: assetId, Since: now.AddHours(-24), Limit: 1000),
            CancellationToken.None);
        var validated = recent.Where(a => a.Status == AnomalyStatus.Validated).ToList();
        return new AssetHealthInputs(health, validated.Count, validated.Count == 0 ? null : validated.Max(a => a.Severity));
    }
}
