using SmartMaintenance.Detection;
using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

/// <summary>
/// The published detectors we wrote ourselves from their descriptions, against their published outputs on the shipped
/// NAB series: ARTime's method row for row, CAD OSE's within a point of its corpus score.
/// </summary>
public sealed class PublishedDetectorTests
{
    private static readonly Lazy<(string Root, IReadOnlyList<NabSeries> Corpus)> Shipped = new(() =>
    {
        var root = NabData.Root();
        return (root, NabCorpus.Load(Path.Combine(root, "data"), Path.Combine(root, "labels", "combined_windows.json")));
    });

    private static double[] Published(string detector, NabSeries series) =>
        [.. File.ReadLines(Path.Combine(Shipped.Value.Root, "results", detector, Path.GetDirectoryName(series.Name)!, $"{detector}_{Path.GetFileName(series.Name)}"))
            .Skip(1).Where(l => l.Length > 0)
            .Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public void The_resonance_detector_gives_artime_published_score_on_every_row_of_every_shipped_series()
    {
        foreach (var series in Shipped.Value.Corpus)
        {
            var ours = NabDetection.Run(series, SeriesDetectorKind.Resonance);
            var published = Published("ARTime", series);
            Assert.Equal(published.Length, ours.Length);
            var differing = Enumerable.Range(0, ours.Length).Where(i => Math.Abs(ours[i] - published[i]) > 1e-6).ToList();
            Assert.True(differing.Count == 0, $"{series.Name}: {differing.Count} rows differ, first {differing.FirstOrDefault()}");
        }
    }

    [Fact]
    public void The_contextual_detector_scores_within_a_point_of_cad_ose_on_the_shipped_series()
    {
        var corpus = Shipped.Value.Corpus;
        var scores = corpus.Select(s => (IReadOnlyList<double>)NabDetection.Run(s, SeriesDetectorKind.Contextual)).ToList();

        // Published CAD OSE on these series: 50.52 / 44.54 / 55.02 (ties between equally confirmed contexts break differently).
        Assert.Equal(50.52, NabScorer.Score(corpus, scores, NabProfile.Standard).Normalized, 1.0);
        Assert.Equal(44.54, NabScorer.Score(corpus, scores, NabProfile.RewardLowFalsePositives).Normalized, 1.0);
        Assert.Equal(55.02, NabScorer.Score(corpus, scores, NabProfile.RewardLowFalseNegatives).Normalized, 1.0);
    }

    [Theory]
    [InlineData(Trouble.Spike)]
    [InlineData(Trouble.LevelShift)]
    [InlineData(Trouble.FlatLine)]
    public void The_resonance_detector_reports_the_trouble_and_stays_quiet_on_the_normal_stretch_before_it(Trouble trouble)
    {
        var values = Synthetic.Signal(trouble);
        var detector = new ResonanceAnomalyDetector(values.Min(), values.Max(), probation: 750);
        var scores = values.Select(detector.Update).ToArray();

        Assert.All(scores[..750], s => Assert.Equal(0, s));
        var normal = Synthetic.Max(scores, 1500, Synthetic.Onset);
        var onset = Synthetic.Max(scores, Synthetic.Onset, Synthetic.Onset + 100);
        Assert.True(onset > 0 && onset > normal, $"{trouble}: {onset} after the onset, {normal} before");
        Assert.InRange(detector.Categories, 2, 400);
    }

    [Fact]
    public void Both_detectors_ignore_values_that_are_not_finite()
    {
        var resonance = new ResonanceAnomalyDetector(0, 10, probation: 100);
        var contextual = new ContextualAnomalyDetector(0, 10, restPeriod: 20);
        var clean = Enumerable.Range(0, 600).Select(i => 5 + (4 * Math.Sin(i / 10.0))).ToArray();
        var withGaps = clean.SelectMany((v, i) => i % 50 == 0 ? new[] { double.NaN, v, double.PositiveInfinity } : [v]).ToArray();
        var reference = (new ResonanceAnomalyDetector(0, 10, probation: 100), new ContextualAnomalyDetector(0, 10, restPeriod: 20));

        var ours = withGaps.Select(v => (resonance.Update(v), contextual.Update(v))).Where((_, i) => double.IsFinite(withGaps[i])).ToList();
        var expected = clean.Select(v => (reference.Item1.Update(v), reference.Item2.Update(v))).ToList();

        Assert.Equal(expected, ours);
    }
}
