namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// Turns a detector's raw surprise (in [0, 1]) into how unlikely the recent surprise is for this stream — the
/// anomaly likelihood of HTM: the mean of the last few raw values is compared with the long-run distribution of raw
/// values, and the Gaussian tail probability is reported on a log scale (0.5 ≈ a one-in-100,000 event).
/// </summary>
/// <remarks>
/// A detector that is always a little surprised by a noisy stream stays quiet here; one that is almost never
/// surprised speaks up at its first real surprise. O(window) memory, O(1) time.
/// </remarks>
public sealed class AnomalyLikelihood
{
    private const double Epsilon = 1e-10;
    private static readonly double LogEpsilon = Math.Log(Epsilon);

    private readonly double[] _recent;
    private readonly int _learningPeriod;
    private readonly double _historyRate;
    private readonly double _minimumDeviation;
    private double _recentSum;
    private int _next;
    private long _count;
    private double _mean;
    private double _variance;

    /// <param name="window">How many raw values are averaged into the recent surprise.</param>
    /// <param name="history">Effective number of raw values in the long-run distribution.</param>
    /// <param name="learningPeriod">Values seen before any likelihood is reported.</param>
    /// <param name="minimumDeviation">Floor of the long-run standard deviation, so a silent detector's first whisper is not infinite.</param>
    public AnomalyLikelihood(int window = 10, int history = 2000, int learningPeriod = 300, double minimumDeviation = 0.02)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _recent = new double[window];
        _historyRate = 1.0 / history;
        _learningPeriod = learningPeriod;
        _minimumDeviation = minimumDeviation;
    }

    public long Count => _count;

    /// <summary>
    /// Learns <paramref name="raw"/> and returns the log-scaled likelihood in [0, 1] (0 while learning). NaN means the
    /// detector has no opinion yet: it is neither learned nor judged.
    /// </summary>
    public double Update(double raw)
    {
        if (double.IsNaN(raw))
        {
            return 0;
        }

        _recentSum += raw - _recent[_next];
        _recent[_next] = raw;
        _next = _next + 1 == _recent.Length ? 0 : _next + 1;
        var recentMean = _recentSum / Math.Min(_count + 1, _recent.Length);

        var score = 0.0;
        if (_count >= _learningPeriod)
        {
            var deviation = Math.Max(Math.Sqrt(_variance), _minimumDeviation);
            var tail = Gaussian.UpperTail((recentMean - _mean) / deviation);
            score = Math.Log(tail + Epsilon) / LogEpsilon;
        }

        _count++;
        var rate = Math.Max(_historyRate, 1.0 / _count);
        var delta = raw - _mean;
        _mean += rate * delta;
        _variance = (1 - rate) * (_variance + (rate * delta * delta));
        return Math.Clamp(score, 0, 1);
    }

    internal LikelihoodState Save() => new((double[])_recent.Clone(), _recentSum, _next, _count, _mean, _variance);

    internal void Load(LikelihoodState state)
    {
        if (state.Recent.Length != _recent.Length)
        {
            throw new ArgumentException("The saved window does not fit this likelihood's window.", nameof(state));
        }

        state.Recent.CopyTo(_recent, 0);
        (_recentSum, _next, _count, _mean, _variance) = (state.RecentSum, state.Next, state.Count, state.Mean, state.Variance);
    }
}
