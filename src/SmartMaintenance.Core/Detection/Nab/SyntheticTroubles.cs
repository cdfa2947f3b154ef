namespace SmartMaintenance.Detection.Nab;

/// <summary>The kinds of trouble a synthetic signal can carry from its onset on.</summary>
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
/// Synthetic streams for the detectors' tests and the generalisation protocol: a cycle (a sine of amplitude 10 around
/// 50) with uniform noise of ±1 and one kind of trouble from the onset on — a single spike of +40, a lasting shift of
/// +15, noise five times larger, a cycle twelve times faster, or a value frozen at its onset.
/// </summary>
public static class SyntheticTroubles
{
    /// <summary>The signal's values; the cycle is <paramref name="rowsPerCycle"/> rows long.</summary>
    public static double[] Signal(Trouble trouble, int rows, int onset, int rowsPerCycle, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var troubled = i >= onset;
            var cycles = troubled && trouble == Trouble.FrequencyChange ? 12.0 : 1.0;
            var noise = (random.NextDouble() - 0.5) * 2 * (troubled && trouble == Trouble.VarianceChange ? 5 : 1);
            values[i] = 50 + (10 * Math.Sin(2 * Math.PI * cycles * i / rowsPerCycle)) + noise;
            values[i] += (troubled, trouble) switch
            {
                (true, Trouble.LevelShift) => 15,
                (true, Trouble.Spike) when i == onset => 40,
                _ => 0,
            };

            if (troubled && trouble == Trouble.FlatLine)
            {
                values[i] = values[onset - 1];
            }
        }

        return values;
    }

    /// <summary>
    /// A labelled series as NAB would label it: the trouble starts at 60 % of the rows, its window is centred there and
    /// 10 % of the rows wide (no window without trouble). The cycle is a day when the series spans at least four days,
    /// else a quarter of the series, so every step shows a cycle a detector can learn.
    /// </summary>
    public static NabSeries Series(Trouble trouble, int rows, TimeSpan step, int seed)
    {
        var onset = (int)(0.6 * rows);
        var rowsPerDay = (int)(TimeSpan.FromDays(1) / step);
        var rowsPerCycle = rows >= 4 * rowsPerDay ? rowsPerDay : rows / 4;
        var values = Signal(trouble, rows, onset, rowsPerCycle, seed);
        var start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        var timestamps = Enumerable.Range(0, rows).Select(i => start + (i * step)).ToList();
        var half = rows / 20;
        IReadOnlyList<(int, int)> windows = trouble == Trouble.None ? [] : [(onset - half, Math.Min(rows - 1, onset + half))];
        return new NabSeries($"synthetic-{step.TotalSeconds:0}s/{trouble}_{rows}_{seed}.csv", timestamps, values, windows);
    }
}
