namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// Compares the recent size of step-to-step changes with its long-run size: a signal gone quiet (a flat-line, a
/// stuck sensor), gone rough (a loose part, growing vibration) or changed in frequency scores high, even when its
/// level and range look normal. O(1) memory.
/// </summary>
public sealed class VolatilityShiftDetector(double shortRate = 0.05, double longRate = 0.005, int warmup = 50)
{
    private double _previous = double.NaN;
    private double _short;
    private double _long;
    private double _levelScale;
    private double _levelMean;
    private long _count;

    /// <summary>Learns the value and returns |ln(recent / long-run change energy)| (NaN while warming up).</summary>
    public double Update(double value)
    {
        if (double.IsNaN(_previous))
        {
            _previous = value;
            _levelMean = value;
            return double.NaN;
        }

        var change = value - _previous;
        _previous = value;
        _count++;
        var energy = change * change;
        _levelMean += longRate * (value - _levelMean);
        _levelScale += Math.Max(longRate, 1.0 / _count) * (Math.Abs(value - _levelMean) - _levelScale);

        // Energy below a millionth of the level's spread is "no movement": a noiseless signal stays unremarkable.
        var floor = (1e-6 * _levelScale * _levelScale) + 1e-18;
        var ratio = _count <= warmup ? double.NaN : Math.Log((_short + floor) / (_long + floor));
        _short += Math.Max(shortRate, 1.0 / _count) * (energy - _short);
        // The long run learns a clipped energy, so a burst is judged against the calm before it for a while.
        var clipped = _count > warmup ? Math.Min(energy, 25 * (_long + floor)) : energy;
        _long += Math.Max(longRate, 1.0 / _count) * (clipped - _long);
        return Math.Abs(ratio);
    }

    internal VolatilityState Save() => new(_previous, _short, _long, _levelScale, _levelMean, _count);

    internal void Load(VolatilityState state) =>
        (_previous, _short, _long, _levelScale, _levelMean, _count) = (state.Previous, state.RecentEnergy, state.LongRunEnergy, state.LevelScale, state.LevelMean, state.Count);
}
