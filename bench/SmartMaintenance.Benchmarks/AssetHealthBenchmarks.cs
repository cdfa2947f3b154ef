using BenchmarkDotNet.Attributes;

using SmartMaintenance.Detection.Multivariate;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// The asset-health detector judging 100,000 rows of an 8-sensor asset on one thread, from a model fitted on 2,880
/// earlier rows (the fit is not timed): divide 100,000 by the mean for rows/s per core.
/// </summary>
[MemoryDiagnoser]
public class AssetHealthBenchmarks
{
    private const int Sensors = 8;
    private const int Rows = 100_000;
    private const int TrainRows = 2_880;
    private readonly double[][] _rows = new double[TrainRows + Rows][];
    private AssetHealthModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (var i = 0; i < _rows.Length; i++)
        {
            var load = 0.6 + (0.3 * Math.Sin(i * 2 * Math.PI / 1440));
            _rows[i] = [.. Enumerable.Range(0, Sensors).Select(s => ((s + 1) * load * (1 + (0.1 * s * load))) + (0.02 * random.NextDouble()))];
        }

        _model = AssetHealthModel.Fit(_rows[..TrainRows]);
    }

    [Benchmark]
    public double JudgeRows()
    {
        var detector = new AssetHealthDetector(_model);
        var sum = 0.0;
        for (var i = TrainRows; i < _rows.Length; i++)
        {
            sum += detector.Update(_rows[i]).Score;
        }

        return sum;
    }

    [Benchmark]
    public AssetHealthModel Fit() => AssetHealthModel.Fit(_rows[..TrainRows]);
}
