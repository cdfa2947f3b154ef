using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection;

public sealed class NabProtocolTests
{
    /// <summary>1,000 rows of their own index, one minute apart, windows on rows 300–349 and 700–799.</summary>
    private static readonly NabSeries Series = new("cat/one.csv",
        [.. Enumerable.Range(0, 1000).Select(i => new DateTime(2026, 1, 1).AddMinutes(i))], [.. Enumerable.Range(0, 1000).Select(i => (double)i)],
        [(300, 349), (700, 799)]);

    [Fact]
    public void Truncation_keeps_the_windows_inside_and_cuts_the_one_the_end_crosses()
    {
        var cut = NabVariants.Truncated(Series, 0.75);

        Assert.Equal(750, cut.Values.Count);
        Assert.Equal([(300, 349), (700, 749)], cut.Windows);
        Assert.Equal([(300, 349)], NabVariants.Truncated(Series, 0.5).Windows);
    }

    [Fact]
    public void Down_sampling_averages_blocks_and_maps_windows_onto_the_new_rows()
    {
        var coarse = NabVariants.Downsampled(Series, 4);

        Assert.Equal(250, coarse.Values.Count);
        Assert.Equal(1.5, coarse.Values[0]);
        Assert.Equal(Series.Timestamps[4], coarse.Timestamps[1]);
        Assert.Equal([(75, 87), (175, 199)], coarse.Windows);
    }

    [Fact]
    public void The_flat_stretch_and_the_dropout_fall_outside_every_window_and_the_windows_follow_their_rows()
    {
        var changed = NabVariants.WithFlatAndGap(Series);

        Assert.Equal(1000 - 20, changed.Values.Count);
        Assert.Equal(2, changed.Windows.Count);
        for (var w = 0; w < Series.Windows.Count; w++)
        {
            var (first, last) = changed.Windows[w];
            Assert.Equal(Series.Values[Series.Windows[w].First], changed.Values[first]);
            Assert.Equal(Series.Values[Series.Windows[w].Last], changed.Values[last]);
        }

        // The stuck stretch: ten equal values in a row, after the probation and between the windows.
        var stuck = Enumerable.Range(1, changed.Values.Count - 1).Where(i => changed.Values[i] == changed.Values[i - 1]).ToList();
        Assert.Equal(10, stuck.Count);
        Assert.All(stuck, i => Assert.InRange(i, 350, 699));
        Assert.Contains(Enumerable.Range(1, changed.Timestamps.Count - 1), i => changed.Timestamps[i] - changed.Timestamps[i - 1] == TimeSpan.FromMinutes(21));
    }

    [Fact]
    public void A_synthetic_trouble_is_labelled_as_nab_labels_one_a_window_centred_on_its_onset()
    {
        var shift = SyntheticTroubles.Series(Trouble.LevelShift, 4000, TimeSpan.FromMinutes(1), seed: 1);

        Assert.Equal([(2200, 2600)], shift.Windows);
        Assert.InRange(shift.Values[2399], 35, 65);
        Assert.InRange(shift.Values[2400], 50, 80);
        Assert.Empty(SyntheticTroubles.Series(Trouble.None, 4000, TimeSpan.FromMinutes(1), seed: 1).Windows);
    }

    [Fact]
    public void A_held_out_category_is_scored_at_the_threshold_the_others_choose()
    {
        // Category a is perfect at threshold 1; category b fires only at 0.5, which a's files would choose against.
        var a = Series with { Name = "a/one.csv" };
        var b = Series with { Name = "b/one.csv" };
        static double[] FireAtWindowStarts(NabSeries series)
        {
            var scores = new double[series.Values.Count];
            foreach (var (first, _) in series.Windows)
            {
                scores[first] = series.Name.StartsWith('a') ? 1 : 0.5;
            }

            return scores;
        }

        var lines = NabProtocol.Run([a, b], FireAtWindowStarts);

        Assert.Equal(100, lines.Single(l => l.Group == "category (own threshold)" && l.Name == "b").Standard, 6);
        Assert.Equal(0, lines.Single(l => l.Group == "leave-one-category-out" && l.Name == "b").Standard, 6);
        Assert.Equal(50, lines.Single(l => l.Name == "all 2 folds together").Standard, 6);
    }
}
