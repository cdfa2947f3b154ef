using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

/// <summary>
/// A 5-minute signal with a daily cycle (a sine of amplitude 10 around 50) and uniform noise of ±1, and one kind of
/// trouble from row <see cref="Onset"/>: a single spike, a lasting shift of +15, noise five times larger, a cycle twelve
/// times faster, or a value frozen at its onset.
/// </summary>
public static class Synthetic
{
    public const int Rows = 6000;
    public const int Onset = 4000;
    public const int RowsPerDay = 288;
    public static readonly long Start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;

    public static long TimeOf(int row) => Start + (row * 300_000_000L);

    public static double[] Signal(Trouble trouble, int seed = 11) => SyntheticTroubles.Signal(trouble, Rows, Onset, RowsPerDay, seed);

    /// <summary>The largest of <paramref name="scores"/> over rows [from, to).</summary>
    public static double Max(IReadOnlyList<double> scores, int from, int to)
    {
        var max = double.NegativeInfinity;
        for (var i = from; i < to; i++)
        {
            max = Math.Max(max, double.IsNaN(scores[i]) ? double.NegativeInfinity : scores[i]);
        }

        return max;
    }
}
