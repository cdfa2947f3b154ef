namespace SmartMaintenance.Detection;

/// <summary>
/// Scores each value by its distance from an exponentially weighted baseline, in units of the exponentially
/// weighted mean absolute deviation. O(1) time and memory per value; no tuning per series.
/// </summary>
/// <remarks>
/// The baseline learns from a deviation clipped to a few scales, so one spike barely moves it, while a lasting level
/// shift is still absorbed within a few dozen readings. The mean absolute deviation is a steadier scale than a
/// running standard deviation, which a single outlier inflates by its square.
/// </remarks>
public sealed class RobustZScoreDetector(double alpha = 0.02, int warmup = 30, double threshold = 6)
{
    // For normally distributed noise the standard deviation is sqrt(pi/2) times the mean absolute deviation.
    private const double MeanAbsoluteDeviationToSigma = 1.2533141373155;
    private const double Clip = 3;

    private double _mean;
    private double _meanAbsoluteDeviation;
    private long _count;

    public double Threshold => threshold;

    public bool IsWarm => _count > warmup;

    /// <summary>Learns <paramref name="value"/> and returns how many scales it lies from the baseline (0 while warming up).</summary>
    public double Update(double value)
    {
        if (_count == 0)
        {
            _mean = value;
            _count = 1;
            return 0;
        }

        var deviation = value - _mean;
        // A floor keeps a perfectly constant signal from turning the first tiny change into an infinite score.
        var scale = Math.Max(MeanAbsoluteDeviationToSigma * _meanAbsoluteDeviation, 1e-9 * (Math.Abs(_mean) + 1));
        var z = Math.Abs(deviation) / scale;
        var rate = Math.Max(alpha, 1.0 / (_count + 1));
        var limit = _count > warmup ? Clip * scale : double.PositiveInfinity;
        _mean += rate * Math.Clamp(deviation, -limit, limit);
        _meanAbsoluteDeviation += rate * (Math.Min(Math.Abs(deviation), limit) - _meanAbsoluteDeviation);
        _count++;
        return _count > warmup + 1 ? z : 0;
    }

    /// <summary>Maps a z value onto [0, 1); 0.5 at the threshold.</summary>
    public double ScoreOf(double z) => Ensemble.Squash.Of(z, threshold);

    internal Ensemble.LevelState Save() => new(_mean, _meanAbsoluteDeviation, _count);

    internal void Load(Ensemble.LevelState state) => (_mean, _meanAbsoluteDeviation, _count) = (state.Mean, state.MeanAbsoluteDeviation, state.Count);
}
