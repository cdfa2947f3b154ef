namespace SmartMaintenance.Tests.Detection.Ensemble;

/// <summary>The kinds of trouble a synthetic signal can carry from <see cref="Synthetic.Onset"/> on.</summary>
public enum Trouble
{
    None,
    Spike,
    LevelShift,
    VarianceChange,
    FrequencyChange,
    FlatLine,
}

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

    public static double[] Signal(Trouble trouble, int seed = 11)
    {
        var random = new Random(seed);
        var values = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var troubled = i >= Onset;
            var cycles = troubled && trouble == Trouble.FrequencyChange ? 12.0 : 1.0;
            var noise = (random.NextDouble() - 0.5) * 2 * (troubled && trouble == Trouble.VarianceChange ? 5 : 1);
            values[i] = 50 + (10 * Math.Sin(2 * Math.PI * cycles * i / RowsPerDay)) + noise;
            values[i] += (troubled, trouble) switch
            {
                (true, Trouble.LevelShift) => 15,
                (true, Trouble.Spike) when i == Onset => 40,
                _ => 0,
            };

            if (troubled && trouble == Trouble.FlatLine)
            {
                values[i] = values[Onset - 1];
            }
        }

        return values;
    }

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
