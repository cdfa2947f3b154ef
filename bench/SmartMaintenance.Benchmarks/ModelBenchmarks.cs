using BenchmarkDotNet.Attributes;

using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// Inference and exact TreeSHAP on a model the shape of the RUL model (200 trees of 32 leaves, 76 features), trained
/// on synthetic rows: <see cref="Predict1000"/> scores 1,000 single rows one at a time (divide 1,000 by the mean for
/// predictions/s), <see cref="ExplainOne"/> explains one row.
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const int Features = 76;
    private float[][] _rows = [];
    private TreeEnsemble _model = null!;
    private TreeExplainer _explainer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _rows = [.. Enumerable.Range(0, 20_000).Select(_ => Enumerable.Range(0, Features).Select(_ => (float)random.NextDouble()).ToArray())];
        var labels = _rows.Select(r => (float)((10 * r[0]) + (5 * r[1] * r[2]) + Math.Sin(6 * r[3]) + random.NextDouble())).ToList();
        _model = BoostedTreesTrainer.FitRegression(_rows, labels, [.. Enumerable.Range(0, Features).Select(f => $"f{f}")], new BoostingOptions());
        _explainer = new TreeExplainer(_model);
    }

    [Benchmark]
    public double Predict1000()
    {
        var sum = 0.0;
        for (var i = 0; i < 1000; i++)
        {
            sum += _model.Predict(_rows[i]);
        }

        return sum;
    }

    [Benchmark]
    public double[] ExplainOne() => _explainer.Explain(_rows[17]);
}
