namespace SmartMaintenance.Detection.Nab;

/// <summary>A detector as the protocol runs it: one score per row of a series, each from that row and earlier ones.</summary>
public delegate double[] SeriesDetector(NabSeries series);

/// <summary>
/// One line of the protocol's table: a set of series (<c>Group</c> says which part of the protocol: full, fold,
/// variant, synthetic), its counted windows and the three normalised profile scores; for a set without windows,
/// <c>RawFalsePositives</c> is its raw (false-positive) cost under the standard profile.
/// </summary>
public sealed record ProtocolLine(string Group, string Name, int Series, int Windows, double Standard, double LowFalsePositives,
    double LowFalseNegatives, double? RawFalsePositives = null);

/// <summary>
/// The generalisation protocol of <c>docs/anomaly-detection.md</c>: the shipped series scored whole, per category,
/// with thresholds chosen on the other categories (leave-one-category-out) and on the other files (leave-one-file-out
/// within realKnownCause); robustness variants of every series; and synthetic troubles at three sampling steps.
/// A design is judged by the whole table and its spread, never by the full-data line alone.
/// </summary>
public static class NabProtocol
{
    public const string RealKnownCause = "realKnownCause";

    private static readonly int[] SyntheticLengths = [1_000, 4_000, 20_000];
    private static readonly int[] SyntheticSeeds = [1, 2, 3];

    /// <summary>The variants every shipped series is run under, by name.</summary>
    public static IReadOnlyList<(string Name, Func<NabSeries, NabSeries> Make)> Variants { get; } =
    [
        ("truncated to 30 %", s => NabVariants.Truncated(s, 0.3)),
        ("truncated to 60 %", s => NabVariants.Truncated(s, 0.6)),
        ("down-sampled x2", s => NabVariants.Downsampled(s, 2)),
        ("down-sampled x4", s => NabVariants.Downsampled(s, 4)),
        ("values x 1e-3", s => NabVariants.Rescaled(s, 1e-3, 0)),
        ("values x 1e4", s => NabVariants.Rescaled(s, 1e4, 0)),
        ("values + 1e6", s => NabVariants.Rescaled(s, 1, 1e6)),
        ("flat stretch and dropout", NabVariants.WithFlatAndGap),
    ];

    /// <summary>Synthetic troubles: every kind (and none) at 1 s, 1 min and 1 h steps, 1,000 to 20,000 rows, three seeds.</summary>
    public static IReadOnlyList<NabSeries> SyntheticCorpus(TimeSpan step) =>
        [.. from trouble in Enum.GetValues<Trouble>()
            from rows in SyntheticLengths
            from seed in SyntheticSeeds
            select SyntheticTroubles.Series(trouble, rows, step, seed)];

    public static string CategoryOf(NabSeries series) => Path.GetDirectoryName(series.Name) ?? "";

    /// <summary>Runs the whole protocol over <paramref name="corpus"/> (the shipped series) with <paramref name="detector"/>.</summary>
    public static IReadOnlyList<ProtocolLine> Run(IReadOnlyList<NabSeries> corpus, SeriesDetector detector)
    {
        var scores = corpus.Select(s => (IReadOnlyList<double>)detector(s)).ToList();
        var lines = new List<ProtocolLine> { Whole("full", $"all {corpus.Count} shipped series", corpus, scores) };

        var categories = corpus.Select((s, f) => (Category: CategoryOf(s), File: f)).GroupBy(c => c.Category).ToList();
        foreach (var category in categories)
        {
            var files = category.Select(c => c.File).ToList();
            lines.Add(Whole("category (own threshold)", category.Key, [.. files.Select(f => corpus[f])], [.. files.Select(f => scores[f])]));
        }

        // Each category scored at the threshold the other categories choose, then all folds summed as one corpus.
        var folds = categories.Select(c => c.Select(x => x.File).ToList()).ToList();
        foreach (var (category, fold) in categories.Zip(folds))
        {
            lines.Add(HeldOut("leave-one-category-out", category.Key, corpus, scores, [fold]));
        }

        lines.Add(HeldOut("leave-one-category-out", $"all {folds.Count} folds together", corpus, scores, folds));

        var known = categories.FirstOrDefault(c => c.Key == RealKnownCause)?.Select(c => c.File).ToList() ?? [];
        if (known.Count > 1)
        {
            lines.Add(Transferred("leave-one-file-out", $"{RealKnownCause}, each file at the others' threshold", corpus, scores, known,
                [.. known.Select(f => new List<int> { f })], Enumerable.Range(0, corpus.Count).ToList()));
            lines.Add(Transferred("leave-one-file-out", $"{RealKnownCause} at the corpus threshold", corpus, scores, known,
                [known], Enumerable.Range(0, corpus.Count).ToList(), includeHeldOut: true));
        }

        foreach (var (name, make) in Variants)
        {
            var variant = corpus.Select(make).ToList();
            lines.Add(Whole("variant", name, variant, [.. variant.Select(s => (IReadOnlyList<double>)detector(s))]));
        }

        foreach (var step in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1) })
        {
            var synthetic = SyntheticCorpus(step);
            lines.Add(Whole("synthetic", $"{Describe(step)} steps, {synthetic.Count} series", synthetic,
                [.. synthetic.Select(s => (IReadOnlyList<double>)detector(s))]));
        }

        return lines;
    }

    /// <summary>The line of a set of series scored on its own, with its own best threshold per profile.</summary>
    public static ProtocolLine Whole(string group, string name, IReadOnlyList<NabSeries> series, IReadOnlyList<IReadOnlyList<double>> scores)
    {
        var results = NabProfile.All.Select(p => NabScorer.Score(series, scores, p)).ToList();
        var windows = results[0].Windows;
        return new ProtocolLine(group, name, series.Count, windows, results[0].Normalized, results[1].Normalized, results[2].Normalized,
            windows == 0 ? results[0].Raw : null);
    }

    private static ProtocolLine HeldOut(string group, string name, IReadOnlyList<NabSeries> corpus, IReadOnlyList<IReadOnlyList<double>> scores,
        List<List<int>> folds) =>
        Transferred(group, name, corpus, scores, [.. folds.SelectMany(f => f)], folds, Enumerable.Range(0, corpus.Count).ToList());

    /// <summary>
    /// The files of <paramref name="scored"/>, each fold at the threshold chosen (per profile) on the files of
    /// <paramref name="pool"/> outside that fold — or on the whole pool with <paramref name="includeHeldOut"/>.
    /// </summary>
    private static ProtocolLine Transferred(string group, string name, IReadOnlyList<NabSeries> corpus, IReadOnlyList<IReadOnlyList<double>> scores,
        List<int> scored, List<List<int>> folds, List<int> pool, bool includeHeldOut = false)
    {
        var normalized = new double[NabProfile.All.Count];
        var windows = scored.Sum(f => NabScorer.CountedWindows(corpus[f]));
        var rawStandard = 0.0;
        for (var p = 0; p < NabProfile.All.Count; p++)
        {
            var profile = NabProfile.All[p];
            var raw = 0.0;
            foreach (var fold in folds)
            {
                var train = includeHeldOut ? pool : pool.Where(f => !fold.Contains(f)).ToList();
                var threshold = NabScorer.Score([.. train.Select(f => corpus[f])], [.. train.Select(f => scores[f])], profile).Threshold;
                raw += fold.Sum(f => NabScorer.FileRaw(corpus[f], scores[f], profile, threshold));
            }

            normalized[p] = NabScorer.Normalize(raw, windows, profile);
            rawStandard = p == 0 ? raw : rawStandard;
        }

        return new ProtocolLine(group, name, scored.Count, windows, normalized[0], normalized[1], normalized[2], windows == 0 ? rawStandard : null);
    }

    private static string Describe(TimeSpan step) => step.TotalHours >= 1 ? $"{step.TotalHours:0} h" : step.TotalMinutes >= 1 ? $"{step.TotalMinutes:0} min" : $"{step.TotalSeconds:0} s";
}
