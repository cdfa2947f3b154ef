namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// Learns the typical value and roughness at each phase of a period (time of day, hour of the week) and scores how far
/// a value lies from its phase's usual value, in units of that phase's usual residual. Catches a day that does not look like
/// the others (a missed peak, a holiday, a flat stretch where the signal normally moves) that a level baseline cannot.
/// </summary>
/// <remarks>
/// Phases are bins of wall-clock time, as wide as the stream's sampling interval (at least <c>minimumBin</c>), so
/// memory is at most <c>maxBins</c> values whatever the data rate. A bin has no opinion until it has been seen a few times.
/// </remarks>
public sealed class SeasonalProfileDetector
{
    private const double MadToSigma = 1.2533141373155;
    private const int SeenBeforeJudging = 2;

    private readonly long _periodSeconds;
    private readonly long _minimumBinSeconds;
    private readonly int _maxBins;
    private readonly double _binRate;
    private readonly double _residualRate;
    private double[]? _means;
    private double[]? _deviations;
    private byte[]? _seen;
    private long _binSeconds;
    private long _firstSeconds = long.MinValue;
    private long _previousSeconds;
    private double _residualMad;
    private long _residuals;

    /// <param name="period">The season (a day, a week).</param>
    /// <param name="minimumBin">The narrowest phase bin.</param>
    /// <param name="maxBins">The most bins kept.</param>
    /// <param name="binRate">How fast a bin's value follows new seasons.</param>
    /// <param name="residualRate">How fast the residual scale follows.</param>
    public SeasonalProfileDetector(TimeSpan period, TimeSpan minimumBin, int maxBins = 288, double binRate = 0.25, double residualRate = 0.01)
    {
        _periodSeconds = (long)period.TotalSeconds;
        _minimumBinSeconds = Math.Max(1, (long)minimumBin.TotalSeconds);
        _maxBins = maxBins;
        _binRate = binRate;
        _residualRate = residualRate;
    }

    public static SeasonalProfileDetector Daily() => new(TimeSpan.FromDays(1), TimeSpan.FromMinutes(5));

    public static SeasonalProfileDetector Weekly() => new(TimeSpan.FromDays(7), TimeSpan.FromHours(1), maxBins: 168);

    /// <summary>Bytes of state once the bins exist.</summary>
    public int StateBytes => (_means?.Length ?? _maxBins) * ((2 * sizeof(double)) + sizeof(byte));

    /// <summary>Learns the value and returns its distance from its phase's usual value in residual scales (NaN without an opinion).</summary>
    public double Update(long timestampMicros, double value)
    {
        var seconds = timestampMicros / 1_000_000;
        if (_means is null)
        {
            // The bin width comes from the first sampling interval: wall-clock phases need no more resolution than that.
            if (_firstSeconds == long.MinValue)
            {
                _firstSeconds = seconds;
                return double.NaN;
            }

            var interval = seconds - _firstSeconds;
            if (interval <= 0)
            {
                return double.NaN;
            }

            _binSeconds = Math.Max(Math.Max(interval, _minimumBinSeconds), (_periodSeconds + _maxBins - 1) / _maxBins);
            var bins = (int)((_periodSeconds + _binSeconds - 1) / _binSeconds);
            _means = new double[bins];
            _deviations = new double[bins];
            _seen = new byte[bins];
        }

        if (seconds < _previousSeconds)
        {
            return double.NaN;
        }

        _previousSeconds = seconds;
        var phase = (int)(((seconds % _periodSeconds) + _periodSeconds) % _periodSeconds / _binSeconds);
        ref var mean = ref _means[phase];
        ref var seen = ref _seen![phase];
        ref var deviation = ref _deviations![phase];
        if (seen == 0)
        {
            mean = value;
            seen = 1;
            return double.NaN;
        }

        var residual = value - mean;
        var z = double.NaN;
        var judged = seen > SeenBeforeJudging && _residuals > 0;
        // A phase that is always rough (the edge of a daily step) is judged by its own roughness, a calm one by the stream's.
        var scale = MadToSigma * Math.Max(deviation, 0.5 * _residualMad);
        if (judged)
        {
            z = Math.Abs(residual) / Math.Max(scale, 1e-9 * (Math.Abs(mean) + 1));
        }

        // Learn clipped, so one odd season does not rewrite the profile.
        var limit = judged && scale > 0 ? 4 * scale : double.PositiveInfinity;
        var step = Math.Clamp(residual, -limit, limit);
        if (seen < 255)
        {
            seen++;
        }

        mean += Math.Max(_binRate, 1.0 / seen) * step;
        if (seen > SeenBeforeJudging - 1)
        {
            _residuals++;
            _residualMad += Math.Max(_residualRate, 1.0 / _residuals) * (Math.Abs(step) - _residualMad);
            deviation += Math.Max(_binRate, 1.0 / (seen - 1)) * (Math.Abs(step) - deviation);
        }

        return z;
    }

    internal SeasonalState Save() => new((double[]?)_means?.Clone(), (double[]?)_deviations?.Clone(), (byte[]?)_seen?.Clone(), _binSeconds,
        _firstSeconds, _previousSeconds, _residualMad, _residuals);

    internal void Load(SeasonalState state)
    {
        (_means, _deviations, _seen) = ((double[]?)state.Means?.Clone(), (double[]?)state.Deviations?.Clone(), (byte[]?)state.Seen?.Clone());
        (_binSeconds, _firstSeconds, _previousSeconds, _residualMad, _residuals) =
            (state.BinSeconds, state.FirstSeconds, state.PreviousSeconds, state.ResidualMad, state.Residuals);
    }
}
