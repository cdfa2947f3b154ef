using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Models;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Predictions;

/// <summary>
/// Prediction: see <see cref="Contracts.IAssetAgent"/> and <see cref="Models.StatisticalHealthModel"/>; asset health:
/// see <see cref="AssetHealthTracker"/>, whose model is kept in grain state so a restart does not learn it again.
/// </summary>
public sealed class AssetAgent(
    [PersistentState("health", "assets")] IPersistentState<AssetHealthState> state,
    ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, IPredictionStore predictions, IMaintenanceStore cases,
    IEventLog events, TimeProvider time)
    : Grain, IAssetAgent
{
    private readonly AssetHealthTracker _health = new();
    private DateTimeOffset _persisted;

    public static string KeyOf(long tenantId, string assetId) => $"{tenantId}/{assetId}";

    /// <summary>The tenant and asset a key of <see cref="KeyOf"/> names.</summary>
    public static (long TenantId, string AssetId) FromKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (long.Parse(key.AsSpan(0, slash), System.Globalization.CultureInfo.InvariantCulture), key[(slash + 1)..]);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            _health.Restore(state.State);
        }

        return Task.CompletedTask;
    }

    public async Task<AssetHealthReport?> RefreshHealthAsync()
    {
        var (tenantId, assetId) = FromKey(this.GetPrimaryKeyString());
        var sensors = await catalog.ListSensorsAsync(tenantId, assetId, CancellationToken.None);
        var now = time.GetUtcNow();
        var fitted = await _health.RefreshAsync(readings, sensors, now, CancellationToken.None);
        // Written when the model is fitted and then hourly: between writes only the read position moves, and a restart
        // reads those minutes again.
        if (fitted || (_health.Latest is { Learning: false } && now - _persisted >= TimeSpan.FromHours(1)))
        {
            state.State = _health.Snapshot();
            await state.WriteStateAsync();
            _persisted = now;
        }

        return _health.Latest;
    }

    public Task<AssetHealthReport?> GetHealthAsync() => Task.FromResult(_health.Latest);

    public async Task<Prediction> AssessAsync(Anomaly validated)
    {
        var tenantId = validated.TenantId;
        var assetId = validated.AssetId ?? throw new ArgumentException("Only anomalies of sensors on an asset are assessed.", nameof(validated));
        var now = time.GetUtcNow();
        var assessment = StatisticalHealthModel.Assess(await GatherAsync(tenantId, assetId, now));
        var health = await RefreshHealthAsync();
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
            AssetHealth = health?.Health,
            AssetAbnormal = health?.Abnormal,
            DrivingSensors = health?.Drivers.Select(d => d.SensorId).ToArray(),
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
