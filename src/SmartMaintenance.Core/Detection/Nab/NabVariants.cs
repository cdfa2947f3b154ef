namespace SmartMaintenance.Detection.Nab;

/// <summary>
/// Robustness variants of a labelled series, for the generalisation protocol: the same stream shorter, sampled more
/// coarsely, in other units, or with a stuck stretch and a dropout outside its windows. Windows follow their rows.
/// </summary>
public static class NabVariants
{
    /// <summary>The first <paramref name="fraction"/> of the rows; a window cut by the end keeps its rows inside.</summary>
    public static NabSeries Truncated(NabSeries series, double fraction)
    {
        var rows = (int)(fraction * series.Timestamps.Count);
        var windows = series.Windows.Where(w => w.First < rows).Select(w => (w.First, Math.Min(w.Last, rows - 1))).ToList();
        return series with { Timestamps = [.. series.Timestamps.Take(rows)], Values = [.. series.Values.Take(rows)], Windows = windows };
    }

    /// <summary>Every <paramref name="factor"/> rows averaged into one, stamped at the first of them (a gateway's roll-up).</summary>
    public static NabSeries Downsampled(NabSeries series, int factor)
    {
        var rows = series.Timestamps.Count / factor;
        var timestamps = new DateTime[rows];
        var values = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            timestamps[r] = series.Timestamps[r * factor];
            var sum = 0.0;
            for (var k = 0; k < factor; k++)
            {
                sum += series.Values[(r * factor) + k];
            }

            values[r] = sum / factor;
        }

        var windows = series.Windows.Select(w => (w.First / factor, Math.Min(rows - 1, w.Last / factor))).Where(w => w.Item1 < rows).ToList();
        return series with { Timestamps = timestamps, Values = values, Windows = windows };
    }

    /// <summary>Values in other units: <c>scale × value + offset</c>.</summary>
    public static NabSeries Rescaled(NabSeries series, double scale, double offset) =>
        series with { Values = [.. series.Values.Select(v => (scale * v) + offset)] };

    /// <summary>
    /// A stuck value (1 % of the rows, at least 10) and then a dropout (2 % of the rows removed, at least 10) in the
    /// longest stretch after the probation that touches no window — events a stream survives without being anomalies
    /// of the kind labelled.
    /// </summary>
    public static NabSeries WithFlatAndGap(NabSeries series)
    {
        var count = series.Timestamps.Count;
        var flat = Math.Max(10, count / 100);
        var gap = Math.Max(10, count / 50);
        var (from, to) = LongestQuietStretch(series);
        if (to - from < 3 * (flat + gap))
        {
            return series;
        }

        var flatAt = from + ((to - from) / 3);
        var gapAt = from + (2 * (to - from) / 3);
        var values = series.Values.ToArray();
        for (var i = flatAt; i < flatAt + flat; i++)
        {
            values[i] = values[flatAt - 1];
        }

        var keep = Enumerable.Range(0, count).Where(i => i < gapAt || i >= gapAt + gap).ToList();
        var windows = series.Windows.Select(w => w.First >= gapAt ? (w.First - gap, w.Last - gap) : w).ToList();
        return series with { Timestamps = [.. keep.Select(i => series.Timestamps[i])], Values = [.. keep.Select(i => values[i])], Windows = windows };
    }

    /// <summary>The longest run of rows after the probation and clear of every window, [from, to).</summary>
    private static (int From, int To) LongestQuietStretch(NabSeries series)
    {
        var edges = new List<(int, int)> { (0, series.ProbationaryRows) };
        edges.AddRange(series.Windows.Select(w => (w.First, w.Last + 1)));
        edges.Sort();
        var best = (From: 0, To: 0);
        var covered = 0;
        foreach (var (first, end) in edges.Append((series.Timestamps.Count, series.Timestamps.Count)))
        {
            if (first - covered > best.To - best.From)
            {
                best = (covered, first);
            }

            covered = Math.Max(covered, end);
        }

        return best;
    }
}
