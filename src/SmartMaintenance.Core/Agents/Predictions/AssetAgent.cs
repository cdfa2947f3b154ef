using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Predictions;

/// <summary>
/// Prediction: see <see cref="Contracts.IAssetAgent"/> — the registry's production model for the asset's kind
/// (<see cref="AssetModel"/>, explained by exact SHAP values), or while there is none (or it is refused) the
/// <see cref="Models.StatisticalHealthModel"/>, the prediction saying so and why. Asset health: see
/// <see cref="AssetHealthTracker"/>, whose model is kept in grain state so a restart does not learn it again.
/// </summary>
public sealed class AssetAgent(
    [PersistentState("health", "assets")] IPersistentState<AssetHealthState> state,
    ICatalogStore catalog, IReadingStore readings, IAnomalyStore anomalies, IPredictionStore predictions, IMaintenanceStore cases,
    IEventLog events, IAssetHealthStore history, RegisteredModels models, AssetAssessmentOptions assessment, TimeProvider time)
    : Grain, IAssetAgent
{
    /// <summary>The correlation id of routine predictions: the asset's trend, made without an anomaly, opening nothing.</summary>
    public const string RoutineCorrelation = "routine";

    private readonly AssetHealthTracker _health = new();
    private DateTimeOffset _persisted;
    private DateTimeOffset? _assessed;

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
        await history.AppendAsync(tenantId, assetId, _health.Judged, CancellationToken.None);
        // Written when the model is fitted and then hourly: between writes only the read position moves, and a restart
        // reads those minutes again.
        if (fitted || (_health.Latest is { Learning: false } && now - _persisted >= TimeSpan.FromHours(1)))
        {
            state.State = _health.Snapshot();
            await state.WriteStateAsync();
            _persisted = now;
        }

        if (_assessed is not { } last || now - last >= assessment.Interval)
        {
            _assessed = now;
            await AssessRoutinelyAsync(tenantId, assetId, now);
        }

        return _health.Latest;
    }

    /// <summary>
    /// The production model's prediction for the asset now, saved (not audited, opening nothing) so the fleet page
    /// shows its risk and RUL, and their trend, between anomalies. Only with a model: the fallback needs an anomaly.
    /// </summary>
    private async Task AssessRoutinelyAsync(long tenantId, string assetId, DateTimeOffset now)
    {
        // The model is looked up first: an asset without one reads nothing.
        if ((await ServingModelAsync(tenantId, assetId)).Version is not { } version)
        {
            return;
        }

        var windows = await AssetWindows.GatherAsync(catalog, readings, tenantId, assetId, now, CancellationToken.None);
        if ((await PredictWithModelAsync(version, tenantId, assetId, RoutineCorrelation, windows, now)).Prediction is { } prediction)
        {
            await predictions.SaveAsync(prediction, CancellationToken.None);
        }
    }

    public Task<AssetHealthReport?> GetHealthAsync() => Task.FromResult(_health.Latest);

    public async Task<Prediction> AssessAsync(Anomaly validated)
    {
        var tenantId = validated.TenantId;
        var assetId = validated.AssetId ?? throw new ArgumentException("Only anomalies of sensors on an asset are assessed.", nameof(validated));
        var now = time.GetUtcNow();
        var windows = await AssetWindows.GatherAsync(catalog, readings, tenantId, assetId, now, CancellationToken.None);
        var (version, fallbackReason) = await ServingModelAsync(tenantId, assetId);
        Prediction? prediction = null;
        if (version is not null)
        {
            (prediction, fallbackReason) = await PredictWithModelAsync(version, tenantId, assetId, validated.CorrelationId, windows, now);
        }

        prediction ??= await FallbackAsync(validated, assetId, windows, now);
        var health = await RefreshHealthAsync();
        await predictions.SaveAsync(prediction, CancellationToken.None);
        await events.RecordAsync(tenantId, AgentEventTypes.MaintenancePredicted, validated.CorrelationId, AgentNames.Prediction, new MaintenancePredicted(
            prediction.PredictionId, prediction.AssetId, prediction.FailureProbability, prediction.RemainingUsefulLife?.TotalHours,
            $"{prediction.ModelName} v{prediction.ModelVersion}", prediction.IsFallback, fallbackReason, prediction.Explanation,
            prediction.ExplanationBase, health?.Health, health?.Abnormal, health?.Drivers.Select(d => d.SensorId).ToArray(), validated.AnomalyId));

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

    /// <summary>The production model serving the asset's kind; null with the reason when there is none.</summary>
    private async Task<(ModelVersion? Version, string? Reason)> ServingModelAsync(long tenantId, string assetId)
    {
        if (await catalog.FindAssetAsync(tenantId, assetId, CancellationToken.None) is not { } asset)
        {
            return (null, $"asset '{assetId}' is not in the catalog, so its kind is unknown");
        }

        return await models.ProductionForAssetKindAsync(tenantId, asset.Kind, CancellationToken.None) is { } version
            ? (version, null)
            : (null, $"no production model is registered for asset kind '{asset.Kind}'");
    }

    /// <summary>The version's prediction for the asset with its SHAP values; null with the reason when it cannot give one.</summary>
    private async Task<(Prediction? Prediction, string? FallbackReason)> PredictWithModelAsync(
        ModelVersion version, long tenantId, string assetId, string correlationId, IReadOnlyList<SensorWindow> windows, DateTimeOffset now)
    {
        try
        {
            var (answer, error) = await models.PredictAsync(tenantId, version.Name, version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new ModelInput(null, null, windows), explain: true, CancellationToken.None);
            if (answer is not { FailureProbability: { } probability, Explanation: { } explanation })
            {
                return (null, $"{version.Name} v{version.Version} gave no answer: {error?.Detail}");
            }

            return (new Prediction(Guid.NewGuid(), tenantId, assetId, now, probability,
                answer.RemainingUsefulLife is { } hours ? TimeSpan.FromHours(hours) : null, version.Name,
                version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), IsFallback: false, explanation.Contributions,
                correlationId)
            {
                ExplanationBase = explanation.BaseValue,
            }, null);
        }
        catch (Exception e) when (e is ModelIntegrityException or InvalidDataException or IOException)
        {
            // The registry has audited the refusal; the case still gets a prediction, marked as the fallback's.
            return (null, $"{version.Name} v{version.Version} was refused: {e.Message}");
        }
    }

    private async Task<Prediction> FallbackAsync(Anomaly validated, string assetId, IReadOnlyList<SensorWindow> windows, DateTimeOffset now)
    {
        var tenantId = validated.TenantId;
        var recent = await anomalies.ListAsync(tenantId, new AnomalyQuery(AssetId: assetId, Since: now.AddHours(-24), Limit: 1000),
            CancellationToken.None);
        var confirmed = recent.Where(a => a.Status == AnomalyStatus.Validated).ToList();
        var assessment = StatisticalHealthModel.Assess(new AssetHealthInputs(
            [.. windows.Select(w => StatisticalHealthModel.Describe(w.Sensor, w.Minutes, w.Hours))],
            confirmed.Count, confirmed.Count == 0 ? null : confirmed.Max(a => a.Severity)));
        return new Prediction(Guid.NewGuid(), tenantId, assetId, now, assessment.FailureProbability,
            assessment.RemainingUsefulLife, StatisticalHealthModel.Name, StatisticalHealthModel.Version, IsFallback: true,
            assessment.Explanation, validated.CorrelationId)
        {
            ExplanationBase = StatisticalHealthModel.Intercept,
        };
    }
}

/// <summary>How often an asset is assessed by its production model between anomalies (<c>SMX_ASSESSMENT_INTERVAL</c>).</summary>
public sealed record AssetAssessmentOptions(TimeSpan Interval)
{
    public static AssetAssessmentOptions Default { get; } = new(TimeSpan.FromMinutes(15));
}
