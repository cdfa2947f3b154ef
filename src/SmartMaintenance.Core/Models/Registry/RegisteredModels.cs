using System.Collections.Concurrent;

using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Models.Registry;

/// <summary>
/// What a registered model is asked about: an engine's cycles (RUL models), a machine's operating point (failure
/// models) or an asset's sensors' recent roll-ups (asset models).
/// </summary>
public sealed record ModelInput(IReadOnlyList<CmapssCycle>? Cycles, MachineRecord? Machine, IReadOnlyList<SensorWindow>? Sensors = null);

/// <summary>Many inputs at once, for a drift check: engines (RUL models) or operating points (failure models).</summary>
public sealed record ModelBatch(IReadOnlyList<CmapssUnit>? Units, IReadOnlyList<MachineRecord>? Machines);

/// <summary>A drift check's result: the version compared against, the rows compared, each feature's figures.</summary>
public sealed record DriftReport(ModelVersion Version, int Rows, IReadOnlyList<FeatureDriftResult> Features);

/// <summary>Each feature's exact SHAP value of <see cref="Output"/>, and the base value they start from.</summary>
public sealed record ModelExplanation(string Output, double BaseValue, IReadOnlyDictionary<string, double> Contributions);

/// <summary>
/// A registered model's answer, with the version that gave it. RUL is in the model's unit: cycles for C-MAPSS
/// models, hours for asset models.
/// </summary>
public sealed record ModelAnswer(
    ModelVersion Version, double? RemainingUsefulLife, double? FailureProbability, string? FailureMode, ModelExplanation? Explanation);

/// <summary>
/// Runs registered models: resolves the version, loads its artifact (hash checked by the registry) and keeps it with
/// its explainers per version for as long as the file on disk is unchanged.
/// </summary>
public sealed class RegisteredModels(ModelRegistry registry)
{
    private readonly ConcurrentDictionary<(long TenantId, string Name, int Version), Lazy<Task<Loaded>>> _loaded = new();

    public async Task<(ModelAnswer? Answer, RegistryError? Error)> PredictAsync(
        long tenantId, string name, string reference, ModelInput input, bool explain, CancellationToken cancellationToken)
    {
        var (version, error) = await registry.ResolveAsync(tenantId, name, reference, cancellationToken);
        if (version is null)
        {
            return (null, error);
        }

        if (InputError(version.Kind, input) is { } wrong)
        {
            return (null, wrong);
        }

        var loaded = await LoadAsync(version, cancellationToken);
        return (loaded.Answer(version, input, explain), null);
    }

    /// <summary>
    /// The production asset model for assets of the kind: the newest promoted version among the tenant's models of
    /// kind <see cref="AssetModel.Kind"/> registered for that asset kind; null when there is none.
    /// </summary>
    public async Task<ModelVersion?> ProductionForAssetKindAsync(long tenantId, string assetKind, CancellationToken cancellationToken) =>
        (await registry.VersionsAsync(tenantId, cancellationToken))
            .Where(v => v.Kind == AssetModel.Kind && v.Stage == ModelStage.Production && string.Equals(v.AssetKind, assetKind, StringComparison.OrdinalIgnoreCase))
            .MaxBy(v => v.StageChangedAt);

    /// <summary>The batch's features against the version's training reference (PSI and KS per feature).</summary>
    public async Task<(DriftReport? Report, RegistryError? Error)> CheckDriftAsync(
        long tenantId, string name, string reference, ModelBatch batch, CancellationToken cancellationToken)
    {
        var (version, error) = await registry.ResolveAsync(tenantId, name, reference, cancellationToken);
        if (version is null)
        {
            return (null, error);
        }

        if (version.Kind == AssetModel.Kind)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidInput,
                $"'{name}' is an asset model: its drift is measured on its kind's stored readings; send only 'model' (and 'version')."));
        }

        if (InputError(version.Kind, new ModelInput(batch.Units is [var unit, ..] ? unit.Cycles : null, batch.Machines is [var machine, ..] ? machine : null)) is { } wrong)
        {
            return (null, wrong);
        }

        var loaded = await LoadAsync(version, cancellationToken);
        if (loaded.Manifest.Reference.Count == 0)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidInput,
                $"'{name}' v{version.Version} was trained without a reference distribution; train it again to check drift."));
        }

        IReadOnlyList<float[]> rows = loaded.Rul is { } rul ? rul.Rows(batch.Units!) : [.. batch.Machines!.Select(FailureModel.Features)];
        if (rows.Count > 0 && rows[0].Length != loaded.Manifest.Reference.Count)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidInput,
                $"'{name}' v{version.Version} records {loaded.Manifest.Reference.Count} reference distributions for {rows[0].Length} features."));
        }

        return (new DriftReport(version, rows.Count, FeatureDrift.Compare(loaded.Manifest.Reference, rows)), null);
    }

    /// <summary>The hours of its kind's assets an asset model's drift check reads, up to now.</summary>
    public const int FleetDriftHours = 24;

    /// <summary>
    /// An asset model's drift: the assets of its asset kind over the last <see cref="FleetDriftHours"/>, read through the
    /// version's features (<see cref="FleetHistories.RecentRowsAsync"/>), compared feature by feature with its training reference.
    /// </summary>
    public async Task<(DriftReport? Report, RegistryError? Error)> CheckAssetDriftAsync(
        long tenantId, string name, string reference, ICatalogStore catalog, IReadingStore readings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (version, error) = await registry.ResolveAsync(tenantId, name, reference, cancellationToken);
        if (version is null)
        {
            return (null, error);
        }

        if (version.Kind != AssetModel.Kind)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidInput, "Give 'units' (engines' cycles) or 'machines' (operating points) to compare."));
        }

        var loaded = await LoadAsync(version, cancellationToken);
        var asset = loaded.Asset!;
        var rows = (await FleetHistories.RecentRowsAsync(catalog, readings, tenantId, version.AssetKind ?? "", asset.Features, now, FleetDriftHours,
            cancellationToken)).Select(asset.Complete).ToList();
        if (rows.Count == 0)
        {
            return (null, new RegistryError(RegistryErrorKind.InvalidInput,
                $"No asset of kind '{version.AssetKind}' has recent readings to compare with '{name}' v{version.Version}."));
        }

        return (new DriftReport(version, rows.Count, FeatureDrift.Compare(loaded.Manifest.Reference, rows)), null);
    }

    /// <summary>Reads a model of a kind this build runs in full (trees, shapes), throwing <see cref="InvalidDataException"/>.</summary>
    public static void CheckContent(string kind, byte[] artifact)
    {
        using var stream = new MemoryStream(artifact, writable: false);
        if (kind == RulModel.Kind)
        {
            ModelArtifact.Load<RulModel>(stream, "the artifact", kind);
        }
        else if (kind == FailureModel.Kind)
        {
            ModelArtifact.Load<FailureModel>(stream, "the artifact", kind);
        }
        else if (kind == AssetModel.Kind)
        {
            ModelArtifact.Load<AssetModel>(stream, "the artifact", kind);
        }
    }

    private static RegistryError? InputError(string kind, ModelInput input) => kind switch
    {
        RulModel.Kind when input.Cycles is not { Count: > 0 } =>
            new RegistryError(RegistryErrorKind.InvalidInput, "A RUL model needs 'cycles': the engine's cycles, oldest first."),
        FailureModel.Kind when input.Machine is null =>
            new RegistryError(RegistryErrorKind.InvalidInput, "A failure model needs 'machine': the machine's operating point."),
        AssetModel.Kind when input.Sensors is null =>
            new RegistryError(RegistryErrorKind.InvalidInput, "An asset model needs an asset: its sensors' recent readings are read from the store."),
        RulModel.Kind or FailureModel.Kind or AssetModel.Kind => null,
        _ => new RegistryError(RegistryErrorKind.InvalidInput, $"Models of kind '{kind}' cannot be run here."),
    };

    // Loaded once per version and kept while its stored artifact is unchanged (a file's size and time, a row's version):
    // an artifact changed after its first use is hashed again at the next request, and refused if it no longer matches.
    private async Task<Loaded> LoadAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        var key = (version.TenantId, version.Name, version.Version);
        var stamp = await registry.ArtifactStampAsync(version, cancellationToken);
        if (_loaded.TryGetValue(key, out var cached) && (cached.Value.IsCompletedSuccessfully && cached.Value.Result.Stamp != stamp))
        {
            _loaded.TryRemove(KeyValuePair.Create(key, cached));
        }

        var entry = _loaded.GetOrAdd(key, _ => new Lazy<Task<Loaded>>(() => Loaded.ReadAsync(registry, version, stamp)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            _loaded.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    private sealed record Loaded(RulModel? Rul, FailureModel? Failure, ModelManifest Manifest, string Stamp, AssetModel? Asset = null)
    {
        private readonly ConcurrentDictionary<TreeEnsemble, TreeExplainer> _explainers = new(ReferenceEqualityComparer.Instance);

        public static async Task<Loaded> ReadAsync(ModelRegistry registry, ModelVersion version, string stamp)
        {
            if (version.Kind == RulModel.Kind)
            {
                var (rul, rulManifest) = await registry.LoadAsync<RulModel>(version, RulModel.Kind, CancellationToken.None);
                return new Loaded(rul, null, rulManifest, stamp);
            }

            if (version.Kind == AssetModel.Kind)
            {
                var (asset, assetManifest) = await registry.LoadAsync<AssetModel>(version, AssetModel.Kind, CancellationToken.None);
                return new Loaded(null, null, assetManifest, stamp, asset);
            }

            var (failure, manifest) = await registry.LoadAsync<FailureModel>(version, FailureModel.Kind, CancellationToken.None);
            return new Loaded(null, failure, manifest, stamp);
        }

        public ModelAnswer Answer(ModelVersion version, ModelInput input, bool explain)
        {
            if (Asset is not null)
            {
                var row = Asset.Complete(Asset.Features.Row(input.Sensors!));
                var assessment = Asset.Assess(row);
                return new ModelAnswer(version, assessment.RulHours, assessment.FailureProbability, null,
                    explain ? Explain(AssetModel.ExplainedOutput, Asset.Failure.Trees, row) : null);
            }

            if (Rul is not null)
            {
                var unit = new CmapssUnit("request", input.Cycles!);
                var row = Rul.Features.LastRow(unit);
                return new ModelAnswer(version, Rul.Predict(row), null, null, explain ? Explain("rul_before_clamp", Rul.Trees, row) : null);
            }

            var features = FailureModel.Features(input.Machine!);
            var prediction = Failure!.Predict(input.Machine!);
            var (classifier, output) = Failure.Deciding(features);
            return new ModelAnswer(version, null, prediction.Probability, prediction.Mode,
                explain ? Explain(output, classifier.Trees, features) : null);
        }

        private ModelExplanation Explain(string output, TreeEnsemble trees, float[] row)
        {
            var explainer = _explainers.GetOrAdd(trees, t => new TreeExplainer(t));
            var phi = explainer.Explain(row);
            return new ModelExplanation(output, explainer.BaseValue,
                trees.FeatureNames.Select((f, i) => (f, phi[i])).ToDictionary(p => p.f, p => p.Item2));
        }
    }
}
