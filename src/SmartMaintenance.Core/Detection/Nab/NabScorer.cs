namespace SmartMaintenance.Detection.Nab;

/// <summary>A NAB scoring profile: the reward of a true positive and the costs of a false positive and a miss.</summary>
public sealed record NabProfile(string Name, double TruePositive, double FalsePositive, double FalseNegative)
{
    public static readonly NabProfile Standard = new("standard", 1, 0.11, 1);
    public static readonly NabProfile RewardLowFalsePositives = new("reward_low_FP_rate", 1, 0.22, 1);
    public static readonly NabProfile RewardLowFalseNegatives = new("reward_low_FN_rate", 1, 0.11, 2);
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>The corpus score of one profile: normalised (0 = null detector, 100 = perfect), raw, and its threshold.</summary>
public sealed record NabScore(NabProfile Profile, double Normalized, double Raw, double Threshold, int Windows);

/// <summary>
/// NAB's scoring: each row is worth a scaled sigmoid of its position relative to the labelled windows; a window
/// counts its earliest detection (or a miss), every detection outside windows costs; one threshold, shared by all
/// files, is chosen to maximise the total, which is then normalised between the null and the perfect detector.
/// </summary>
public static class NabScorer
{
    /// <summary>2 / (1 + e^(5p)) − 1, and −1 beyond p = 3.</summary>
    public static double ScaledSigmoid(double position) => position > 3 ? -1 : (2 / (1 + Math.Exp(5 * position))) - 1;

    /// <summary>What a detection at each row is worth, and the window (index within the file) each row belongs to, or -1.</summary>
    public static (double[] Values, int[] Window) RowValues(int rows, IReadOnlyList<(int First, int Last)> windows, NabProfile profile)
    {
        var values = new double[rows];
        var window = new int[rows];
        var atEdge = ScaledSigmoid(-1);
        var previous = -1;
        var next = 0;
        for (var i = 0; i < rows; i++)
        {
            while (next < windows.Count && windows[next].Last < i)
            {
                previous = next++;
            }

            if (next < windows.Count && windows[next].First <= i)
            {
                var (first, last) = windows[next];
                var width = last - first + 1;
                values[i] = profile.TruePositive * ScaledSigmoid(-(double)(last - i + 1) / width) / atEdge;
                window[i] = next;
            }
            else if (previous < 0)
            {
                values[i] = -profile.FalsePositive;
                window[i] = -1;
            }
            else
            {
                var (first, last) = windows[previous];
                var width = last - first + 1;
                values[i] = profile.FalsePositive * ScaledSigmoid((i - last) / (double)(width - 1));
                window[i] = -1;
            }
        }

        return (values, window);
    }

    /// <summary>Scores a detector's outputs (one score per row of each series, same order) under one profile.</summary>
    public static NabScore Score(IReadOnlyList<NabSeries> corpus, IReadOnlyList<IReadOnlyList<double>> scores, NabProfile profile)
    {
        var rows = new List<(double Score, int Window, double Value)>();
        var windowBase = 0;
        var counted = new HashSet<int>();
        for (var f = 0; f < corpus.Count; f++)
        {
            var series = corpus[f];
            if (scores[f].Count != series.Timestamps.Count)
            {
                throw new ArgumentException($"{series.Name} has {series.Timestamps.Count} rows but {scores[f].Count} scores.", nameof(scores));
            }

            var ordered = series.Windows.OrderBy(w => w.First).ToList();
            var (values, window) = RowValues(series.Timestamps.Count, ordered, profile);
            for (var i = series.ProbationaryRows; i < values.Length; i++)
            {
                var id = window[i] < 0 ? -1 : windowBase + window[i];
                rows.Add((scores[f][i], id, values[i]));
                if (id >= 0)
                {
                    counted.Add(id);
                }
            }

            windowBase += ordered.Count;
        }

        // Lower the threshold score by score; a window's worth is its best detected row, a miss until it has one.
        rows.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = new Dictionary<int, double>();
        var total = -profile.FalseNegative * counted.Count;
        var (bestTotal, bestThreshold) = (total, double.PositiveInfinity);
        for (var i = 0; i < rows.Count;)
        {
            var threshold = rows[i].Score;
            for (; i < rows.Count && rows[i].Score == threshold; i++)
            {
                var (_, window, value) = rows[i];
                if (window < 0)
                {
                    total += value;
                }
                else if (!best.TryGetValue(window, out var current))
                {
                    total += value + profile.FalseNegative;
                    best[window] = value;
                }
                else if (value > current)
                {
                    total += value - current;
                    best[window] = value;
                }
            }

            if (total > bestTotal)
            {
                (bestTotal, bestThreshold) = (total, threshold);
            }
        }

        return new NabScore(profile, Normalize(bestTotal, counted.Count, profile), bestTotal, bestThreshold, counted.Count);
    }

    /// <summary>100 × (raw − null) / (perfect − null) for a set of <paramref name="windows"/> windows (0 without windows).</summary>
    public static double Normalize(double raw, int windows, NabProfile profile)
    {
        var nullScore = -profile.FalseNegative * windows;
        var perfect = profile.TruePositive * windows;
        return windows == 0 ? 0 : 100 * (raw - nullScore) / (perfect - nullScore);
    }

    /// <summary>The windows of a series that count: those with a row after the probation.</summary>
    public static int CountedWindows(NabSeries series) => series.Windows.Count(w => w.Last >= series.ProbationaryRows);

    /// <summary>One file's part of the raw score at a given threshold (the per-file table of a corpus score).</summary>
    public static double FileRaw(NabSeries series, IReadOnlyList<double> scores, NabProfile profile, double threshold)
    {
        var ordered = series.Windows.OrderBy(w => w.First).ToList();
        var (values, window) = RowValues(series.Timestamps.Count, ordered, profile);
        var best = new double?[ordered.Count];
        var counted = new bool[ordered.Count];
        var raw = 0.0;
        for (var i = series.ProbationaryRows; i < values.Length; i++)
        {
            if (window[i] >= 0)
            {
                counted[window[i]] = true;
            }

            if (scores[i] < threshold)
            {
                continue;
            }

            if (window[i] < 0)
            {
                raw += values[i];
            }
            else if (best[window[i]] is not { } current || values[i] > current)
            {
                best[window[i]] = values[i];
            }
        }

        for (var w = 0; w < ordered.Count; w++)
        {
            raw += !counted[w] ? 0 : best[w] ?? -profile.FalseNegative;
        }

        return raw;
    }
}
