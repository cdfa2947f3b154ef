using BenchmarkDotNet.Attributes;

using SmartMaintenance.Detection.Ensemble;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// The streaming detectors over 100,000 points of a noisy daily signal on one thread: divide 100,000 by the mean for
/// points/s per core. The ensemble's parts alone show where its time goes.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private const int Points = 100_000;
    private readonly long[] _timestamps = new long[Points];
    private readonly double[] _values = new double[Points];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        for (var i = 0; i < Points; i++)
        {
            _timestamps[i] = start + (i * 300_000_000L);
            _values[i] = 50 + (10 * Math.Sin(i * 2 * Math.PI / 288)) + (random.NextDouble() * 2) + (i % 5000 == 4999 ? 30 : 0);
        }
    }

    [Benchmark(Baseline = true)]
    public double Ensemble()
    {
        var detector = new StreamingAnomalyDetector();
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_timestamps[i], _values[i]).Score;
        }

        return sum;
    }

    [Benchmark]
    public double Resonance()
    {
        var detector = new ResonanceAnomalyDetector(40, 95, probation: DetectorSettings.MaxWarmUp);
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_values[i]);
        }

        return sum;
    }

    [Benchmark]
    public double Contextual()
    {
        var detector = new ContextualAnomalyDetector(40, 95, restPeriod: DetectorSettings.MaxWarmUp / 5);
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_values[i]);
        }

        return sum;
    }

    [Benchmark]
    public double SeasonalDaily()
    {
        var detector = SeasonalProfileDetector.Daily();
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_timestamps[i], _values[i]);
        }

        return sum;
    }

    [Benchmark]
    public double ContextNovelty()
    {
        var detector = new ContextNoveltyDetector();
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += detector.Update(_values[i]);
        }

        return sum;
    }

    [Benchmark]
    public double Likelihood()
    {
        var likelihood = new AnomalyLikelihood(5, 8000, 300);
        var sum = 0.0;
        for (var i = 0; i < Points; i++)
        {
            sum += likelihood.Update(_values[i] * 0.01);
        }

        return sum;
    }
}
