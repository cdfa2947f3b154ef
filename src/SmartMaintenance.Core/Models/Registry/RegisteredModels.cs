using System.Collections.Concurrent;

using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Registry;

/// <summary>What a registered model is asked about: an engine's cycles (RUL models) or a machine's operating point (failure models).</summary>
public sealed record ModelInput(IReadOnlyList<CmapssCycle>? Cycles, MachineRecord? Machine);

/// <summary>Many inputs at once, for a drift check: engines (RUL models) or operating points (failure models).</summary>
public sealed record ModelBatch(IReadOnlyList<CmapssUnit>? Units, IReadOnlyList<MachineRecord>? Machines);

/// <summary>A drift check's result: the version compared against, the rows compared, each feature's figures.</summary>
public sealed record DriftReport(ModelVersion Version, int Rows, IReadOnlyList<FeatureDriftResult> Features);

/// <summary>Each feature's exact SHAP value of <see cref="Output"/>, and the base value they start from.</summary>
public sealed record ModelExplanation(string Output, double BaseValue, IReadOnlyDictionary<string, double> Contributions);

/// <summary>A registered model's answer, with the version that gave it.</summary>
public sealed record ModelAnswer(
    ModelVersion Version, double? RemainingUsefulLife, double? FailureProbability, string? FailureMode, ModelExplanation? Explanation);

/// <summary>
/// Runs registered models: resolves the version, loads its artifact once (hash checked by the registry) and keeps
/// it with its explainer, keyed by the artifact's hash, so a new version or a re-registered file is loaded afresh.
/// </summary>
public sealed class RegisteredModels(ModelRegistry registry)
{
    private readonly ConcurrentDictionary<string, Task<Loaded>> _loaded = new();

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

    /// <summary>The batch's features against the version's training reference (PSI and KS per feature).</summary>
    public async Task<(DriftReport? Report, RegistryError? Error)> CheckDriftAsync(
        long tenantId, string name, string reference, ModelBatch batch, CancellationToken cancellationToken)
    {
        var (version, error) = await registry.ResolveAsync(tenantId, name, reference, cancellationToken);
        if (version is null)
        {
            return (null, error);
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
        return (new DriftReport(version, rows.Count, FeatureDrift.Compare(loaded.Manifest.Reference, rows)), null);
    }

    private static RegistryError? InputError(string kind, ModelInput input) => kind switch
    {
        RulModel.Kind when input.Cycles is not { Count: > 0 } =>
            new RegistryError(RegistryErrorKind.InvalidInput, "A RUL model needs 'cycles': the engine's cycles, oldest first."),
        FailureModel.Kind when input.Machine is null =>
            new RegistryError(RegistryErrorKind.InvalidInput, "A failure model needs 'machine': the machine's operating point."),
        RulModel.Kind or FailureModel.Kind => null,
        _ => new RegistryError(RegistryErrorKind.InvalidInput, $"Models of kind '{kind}' cannot be run here."),
    };

    private async Task<Loaded> LoadAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        var entry = _loaded.GetOrAdd(version.Sha256, _ => Loaded.ReadAsync(registry, version));
        try
        {
            return await entry.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.IsFaulted)
        {
            _loaded.TryRemove(KeyValuePair.Create(version.Sha256, entry));
            throw;
        }
    }

    private sealed record Loaded(RulModel? Rul, FailureModel? Failure, TreeExplainer Explainer, ModelManifest Manifest)
    {
        public static async Task<Loaded> ReadAsync(ModelRegistry registry, ModelVersion version)
        {
            if (version.Kind == RulModel.Kind)
            {
                var (rul, rulManifest) = await registry.LoadAsync<RulModel>(version, RulModel.Kind, CancellationToken.None);
                return new Loaded(rul, null, new TreeExplainer(rul.Trees), rulManifest);
            }

            var (failure, manifest) = await registry.LoadAsync<FailureModel>(version, FailureModel.Kind, CancellationToken.None);
            return new Loaded(null, failure, new TreeExplainer(failure.Failure.Trees), manifest);
        }

        public ModelAnswer Answer(ModelVersion version, ModelInput input, bool explain)
        {
            if (Rul is not null)
            {
                var unit = new CmapssUnit("request", input.Cycles!);
                var row = Rul.Features.LastRow(unit);
                return new ModelAnswer(version, Rul.Clamp(Rul.Trees.Predict(row)), null, null,
                    explain ? Explain("rul_before_clamp", Rul.Trees, row) : null);
            }

            var prediction = Failure!.Predict(input.Machine!);
            return new ModelAnswer(version, null, prediction.Probability, prediction.Mode,
                explain ? Explain("failure_margin", Failure.Failure.Trees, FailureModel.Features(input.Machine!)) : null);
        }

        private ModelExplanation Explain(string output, TreeEnsemble trees, float[] row)
        {
            var phi = Explainer.Explain(row);
            return new ModelExplanation(output, Explainer.BaseValue,
                trees.FeatureNames.Select((f, i) => (f, phi[i])).ToDictionary(p => p.f, p => p.Item2));
        }
    }
}
