using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection;

public sealed class NabScorerTests
{
    /// <summary>100 rows (15 probationary), one window on rows 40–49.</summary>
    private static readonly NabSeries Series = new("test/one.csv",
        [.. Enumerable.Range(0, 100).Select(i => new DateTime(2026, 1, 1).AddMinutes(i))], [.. Enumerable.Repeat(0.0, 100)], [(40, 49)]);

    private static NabScore ScoreFiringAt(NabProfile profile, params int[] rows)
    {
        var scores = new double[100];
        foreach (var row in rows)
        {
            scores[row] = 1;
        }

        return NabScorer.Score([Series], [scores], profile);
    }

    [Fact]
    public void The_scaled_sigmoid_is_one_at_minus_one_zero_at_zero_and_minus_one_beyond_three()
    {
        Assert.Equal(0.9866, NabScorer.ScaledSigmoid(-1), 4);
        Assert.Equal(0, NabScorer.ScaledSigmoid(0), 10);
        Assert.Equal(-1, NabScorer.ScaledSigmoid(3.01));
    }

    [Fact]
    public void A_detection_at_the_start_of_the_window_is_perfect_and_a_late_one_is_worth_less()
    {
        Assert.Equal(100, ScoreFiringAt(NabProfile.Standard, 40).Normalized, 6);
        // The window's last row sits at position -1/10: it is worth S(-0.1)/S(-1) ≈ 0.25 of a hit, normalised from a miss (-1).
        var late = ScoreFiringAt(NabProfile.Standard, 49).Normalized;
        Assert.Equal(100 * ((NabScorer.ScaledSigmoid(-0.1) / NabScorer.ScaledSigmoid(-1)) + 1) / 2, late, 6);
        Assert.InRange(late, 62, 63);
        Assert.Equal(100, ScoreFiringAt(NabProfile.Standard, 40, 45, 49).Normalized, 6); // only a window's best detection counts
    }

    [Fact]
    public void Never_firing_scores_zero_and_false_positives_cost_by_profile()
    {
        Assert.Equal(0, ScoreFiringAt(NabProfile.Standard).Normalized, 6);
        var standard = ScoreFiringAt(NabProfile.Standard, 20, 40);
        var lowFp = ScoreFiringAt(NabProfile.RewardLowFalsePositives, 20, 40);
        Assert.Equal(1 - 0.11, standard.Raw, 6);
        Assert.Equal(1 - 0.22, lowFp.Raw, 6);
    }

    [Fact]
    public void Detections_in_the_probationary_period_do_not_count()
    {
        Assert.Equal(15, Series.ProbationaryRows);
        Assert.Equal(0, ScoreFiringAt(NabProfile.Standard, 5).Normalized, 6);
    }

    [Fact]
    public void A_false_positive_just_after_a_window_costs_less_than_one_far_from_it()
    {
        var (values, window) = NabScorer.RowValues(100, [(40, 49)], NabProfile.Standard);
        Assert.Equal(-1, window[39]);
        Assert.Equal(0, window[40]);
        Assert.True(values[50] > values[80], $"{values[50]} vs {values[80]}");
        Assert.Equal(-0.11, values[10], 6);
    }

    [Fact]
    public void The_published_detectors_scores_on_the_shipped_series_are_reproduced()
    {
        var root = NabData.Root();
        var corpus = NabCorpus.Load(Path.Combine(root, "data"), Path.Combine(root, "labels", "combined_windows.json"));
        Assert.Equal(18, corpus.Count);
        (string Detector, double Standard, double LowFp, double LowFn)[] published =
        [
            ("ARTime", 67.12, 58.12, 72.74), ("numenta", 61.30, 54.31, 66.20), ("contextOSE", 50.52, 44.54, 55.02),
            ("randomCutForest", 47.06, 34.71, 56.70), ("null", 0, 0, 0),
        ];
        foreach (var (detector, standard, lowFp, lowFn) in published)
        {
            var scores = corpus.Select(s => ReadScores(Path.Combine(root, "results", detector,
                Path.GetDirectoryName(s.Name)!, $"{detector}_{Path.GetFileName(s.Name)}"))).ToList();
            Assert.Equal(standard, NabScorer.Score(corpus, scores, NabProfile.Standard).Normalized, 0.1);
            Assert.Equal(lowFp, NabScorer.Score(corpus, scores, NabProfile.RewardLowFalsePositives).Normalized, 0.1);
            Assert.Equal(lowFn, NabScorer.Score(corpus, scores, NabProfile.RewardLowFalseNegatives).Normalized, 0.1);

            // The per-file table adds up to the corpus score at its threshold.
            var corpusScore = NabScorer.Score(corpus, scores, NabProfile.Standard);
            var perFile = corpus.Select((series, f) => NabScorer.FileRaw(series, scores[f], NabProfile.Standard, corpusScore.Threshold)).Sum();
            Assert.Equal(corpusScore.Raw, perFile, 6);
        }
    }

    private static IReadOnlyList<double> ReadScores(string path) =>
        [.. File.ReadLines(path).Skip(1).Where(l => l.Length > 0)
            .Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>Where the shipped NAB subset is: <c>SMX_NAB_DIR</c>, else <c>shared/datasets/nab</c> beside a parent folder.</summary>
internal static class NabData
{
    public static string Root() => SharedData.Folder("nab", "SMX_NAB_DIR");
}

/// <summary>The public datasets in <c>shared/datasets/</c>, found upwards from the test assembly (or named by an environment variable).</summary>
internal static class SharedData
{
    public static string Folder(string dataset, string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", dataset);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        var machine = $"/work/shared/datasets/{dataset}";
        return Directory.Exists(machine)
            ? machine
            : throw new DirectoryNotFoundException($"The {dataset} data (shared/datasets/{dataset}) was not found; set {variable} to its folder.");
    }
}
