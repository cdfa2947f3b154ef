using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Assets;

/// <summary>A trained asset model with what its manifest records: the features' training distribution and the validation's figures.</summary>
public sealed record TrainedAssetModel(AssetModel Model, IReadOnlyList<FeatureReference> Reference, IReadOnlyDictionary<string, double> Metrics, int Histories, int Samples);

/// <summary>Trains an asset model from histories, the same way whether they were simulated or read from the store.</summary>
public static class AssetModelTraining
{
    /// <summary>
    /// Fewer, shallower trees than the public-benchmark models: the asset features are few and smooth, and the demo
    /// trains five kinds at first start on two cores. Fixed before any evaluation, not tuned on it.
    /// </summary>
    public static readonly BoostingOptions Options = new() { Trees = 100, Leaves = 16 };

    /// <summary>
    /// Samples every history, trains, and (with <paramref name="folds"/> ≥ 2) cross-validates over histories first.
    /// Cancellation is looked at between histories and between fits (a fit itself takes a second or two).
    /// </summary>
    public static TrainedAssetModel Train(
        AssetFeatures features, IReadOnlyList<AssetHistory> histories, BoostingOptions options, int folds = 0, int seed = 1,
        CancellationToken cancellationToken = default) =>
        Train(features, [.. histories.Select(h =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return SamplesOf(features, h);
        })], options, folds, seed, cancellationToken);

    /// <summary>A history's samples as training takes them.</summary>
    public static IReadOnlyList<AssetSample> SamplesOf(AssetFeatures features, AssetHistory history) =>
        [.. history.Samples(features, AssetModel.SampleStep, AssetModel.DefaultCapHours)];

    /// <summary>Trains on samples already taken, one list per history (the split of the validation is by history).</summary>
    public static TrainedAssetModel Train(
        AssetFeatures features, IReadOnlyList<IReadOnlyList<AssetSample>> byHistory, BoostingOptions options, int folds = 0, int seed = 1,
        CancellationToken cancellationToken = default)
    {
        var samples = byHistory.SelectMany(s => s).ToList();
        var model = AssetModel.Train(features, samples, options);
        var metrics = folds >= 2 ? AssetEvaluation.Metrics(AssetEvaluation.CrossValidate(features, byHistory, folds, options, seed, cancellationToken)) : [];
        return new TrainedAssetModel(model, FeatureReference.Of(features.Names(), [.. samples.Select(s => model.Complete(s.Row))]), metrics,
            byHistory.Count, samples.Count);
    }

    /// <summary>The manifest parameter naming the sensor types the model reads, comma-separated.</summary>
    public const string SensorTypesParameter = "sensor_types";

    /// <summary>The model as an artifact whose manifest records its settings, schema, figures and reference.</summary>
    public static (byte[] Zip, ModelManifest Manifest) Pack(TrainedAssetModel trained, BoostingOptions options, string trainingFingerprint, string source)
    {
        var model = trained.Model;
        var parameters = options.Parameters("ML.NET FastTree regression (RUL) and binary (failure within the horizon)");
        parameters["cap_hours"] = model.CapHours.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters["horizon_hours"] = model.HorizonHours.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters[SensorTypesParameter] = string.Join(',', model.Features.SensorTypes);
        parameters["histories"] = trained.Histories.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters["samples"] = trained.Samples.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters["source"] = source;
        return ModelArtifact.Pack(AssetModel.Kind, model, trainingFingerprint, parameters, model.Features.Names(), trained.Metrics, trained.Reference);
    }
}
