using BenchmarkDotNet.Attributes;

using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// What one assessment of an asset costs once its roll-ups are read: <see cref="Features"/> computes the asset
/// model's 17 features from six hours of minute and a week of hour roll-ups of its four sensors, <see cref="Assess"/>
/// runs both ensembles (failure within 72 h, RUL) and <see cref="Explain"/> gives the exact SHAP values of the failure
/// margin. The model is the demo's pump model's shape (100 trees of 16 leaves), trained on 60 simulated histories.
/// </summary>
[MemoryDiagnoser]
public class AssetModelBenchmarks
{
    private AssetModel _model = null!;
    private IReadOnlyList<SensorWindow> _windows = [];
    private float[] _row = [];
    private TreeExplainer _explainer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var features = RunToFailure.FeaturesOf("pump");
        var histories = RunToFailure.Generate("pump", 61, seed: 4).ToList();
        var trained = AssetModelTraining.Train(features, histories.Take(60).ToList(), AssetModelTraining.Options);
        _model = trained.Model;
        var held = histories[60];
        _windows = held.WindowsAt(held.SampleTimes(AssetModel.SampleStep, AssetModel.DefaultCapHours).Last().AtMicros);
        _row = _model.Complete(features.Row(_windows));
        _explainer = new TreeExplainer(_model.Failure.Trees);
    }

    [Benchmark]
    public float[] Features() => _model.Features.Row(_windows);

    [Benchmark]
    public AssetAssessment Assess() => _model.Assess(_row);

    [Benchmark]
    public double[] Explain() => _explainer.Explain(_row);
}
