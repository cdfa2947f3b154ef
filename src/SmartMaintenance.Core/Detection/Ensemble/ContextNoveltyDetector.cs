namespace SmartMaintenance.Detection.Ensemble;

/// <summary>
/// A contextual detector in the spirit of CAD: the last few values, each quantised to one of a few levels of the
/// stream's range, form a context; a context never (or rarely) seen before is novel. Catches shapes the stream has not
/// shown — a new rhythm, a missing step, an unusual level sequence — with a fixed table of counts (hashed contexts,
/// halved now and then so the past fades).
/// </summary>
public sealed class ContextNoveltyDetector
{
    // A quarter of a level beyond the boundary before the level changes.
    private const double Hysteresis = 0.25;

    private readonly byte[] _counts;
    private readonly int _levels;
    private readonly int _depth;
    private readonly int _halveEvery;
    private readonly int _shift;
    private readonly int[] _recent;
    private double _low = double.NaN;
    private double _high;
    private int _filled;
    private long _count;

    /// <param name="levels">Quantisation levels across the stream's range.</param>
    /// <param name="depth">Values per context.</param>
    /// <param name="tableSize">Counts kept (a power of two).</param>
    /// <param name="halveEvery">Values between two halvings of every count.</param>
    public ContextNoveltyDetector(int levels = 12, int depth = 4, int tableSize = 4096, int halveEvery = 4000)
    {
        if (!int.IsPow2(tableSize))
        {
            throw new ArgumentException("The table size must be a power of two.", nameof(tableSize));
        }

        _counts = new byte[tableSize];
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)tableSize);
        _levels = levels;
        _depth = depth;
        _halveEvery = halveEvery;
        _recent = new int[depth];
    }

    public int StateBytes => _counts.Length + (_recent.Length * sizeof(int));

    /// <summary>Learns the value and returns the context's novelty in [0, 1] (1 = never seen; NaN until a whole context exists).</summary>
    public double Update(double value)
    {
        if (double.IsNaN(_low))
        {
            _low = value;
            _high = value;
        }

        // The range widens at once and narrows slowly, so a past extreme keeps its meaning for a while.
        _low = value < _low ? value : _low + (0.0005 * (value - _low));
        _high = value > _high ? value : _high - (0.0005 * (_high - value));
        var span = _high - _low;
        var position = span <= 0 ? 0 : Math.Min(_levels - 1e-9, (value - _low) / span * _levels);
        // Hysteresis: the level moves only when the value is clearly past a boundary, so noise around a boundary does
        // not draw chattering contexts that look novel.
        var level = _recent[0];
        if (_filled == 0 || Math.Abs(position - (level + 0.5)) > 0.5 + Hysteresis)
        {
            level = (int)position;
        }

        for (var i = _depth - 1; i > 0; i--)
        {
            _recent[i] = _recent[i - 1];
        }

        _recent[0] = level;
        if (_filled < _depth)
        {
            _filled++;
            return double.NaN;
        }

        var hash = 17u;
        for (var i = 0; i < _depth; i++)
        {
            hash = (hash * 31) + (uint)_recent[i];
        }

        hash *= 0x9E3779B1u;
        ref var count = ref _counts[(int)(hash >> _shift)];
        var novelty = 1.0 / (1 + count);
        if (count < 255)
        {
            count++;
        }

        if (++_count % _halveEvery == 0)
        {
            for (var i = 0; i < _counts.Length; i++)
            {
                _counts[i] >>= 1;
            }
        }

        return novelty;
    }

    internal ContextState Save() => new((byte[])_counts.Clone(), (int[])_recent.Clone(), _low, _high, _filled, _count);

    internal void Load(ContextState state)
    {
        if (state.Counts.Length != _counts.Length || state.Recent.Length != _recent.Length)
        {
            throw new ArgumentException("The saved context table does not fit this detector's size.", nameof(state));
        }

        state.Counts.CopyTo(_counts, 0);
        state.Recent.CopyTo(_recent, 0);
        (_low, _high, _filled, _count) = (state.Low, state.High, state.Filled, state.Count);
    }
}
