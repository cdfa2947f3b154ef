using SmartMaintenance.Detection;
using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

/// <summary>
/// Each part of the ensemble on the synthetic troubles it is meant for: its surprise just after the onset must stand
/// well above the largest surprise it showed on the same signal's normal stretch (after its warm-up).
/// </summary>
public sealed class PartDetectorTests
{
    private const int Normal = 1500;

    private static double[] Run(Trouble trouble, Func<long, double, double> detector)
    {
        var values = Synthetic.Signal(trouble);
        return [.. values.Select((v, i) => detector(Synthetic.TimeOf(i), v))];
    }

    private static void AssertStandsOut(double[] surprise, int within, double factor, string what)
    {
        var before = Synthetic.Max(surprise, Normal, Synthetic.Onset);
        var after = Synthetic.Max(surprise, Synthetic.Onset, Synthetic.Onset + within);
        Assert.True(after > factor * before, $"{what}: {after:0.###} after the onset, {before:0.###} before");
    }

    [Theory]
    [InlineData(Trouble.Spike)]
    [InlineData(Trouble.LevelShift)]
    public void Level_baseline_catches_spikes_and_shifts(Trouble trouble)
    {
        var level = new RobustZScoreDetector();
        AssertStandsOut(Run(trouble, (_, v) => level.Update(v)), within: 5, factor: 2, trouble.ToString());
    }

    [Theory]
    [InlineData(Trouble.Spike)]
    [InlineData(Trouble.LevelShift)]
    [InlineData(Trouble.FlatLine)]
    [InlineData(Trouble.FrequencyChange)]
    public void Daily_profile_catches_a_day_unlike_the_others(Trouble trouble)
    {
        var daily = SeasonalProfileDetector.Daily();
        // A flat-line starts at its own level, so it needs part of a day to drift away from the usual profile.
        var within = trouble is Trouble.FlatLine or Trouble.FrequencyChange ? Synthetic.RowsPerDay / 2 : 5;
        AssertStandsOut(Run(trouble, daily.Update), within, factor: 2, trouble.ToString());
    }

    [Fact]
    public void Daily_profile_judges_a_rough_phase_by_its_own_roughness()
    {
        // A daily square wave: the edges jump by 20 every day, which is normal for those phases.
        var daily = SeasonalProfileDetector.Daily();
        var random = new Random(3);
        var surprise = Enumerable.Range(0, Synthetic.Rows)
            .Select(i => daily.Update(Synthetic.TimeOf(i), (i % Synthetic.RowsPerDay < 144 ? 40 : 60) + random.NextDouble()))
            .ToArray();
        Assert.True(Synthetic.Max(surprise, Normal, Synthetic.Rows) < 6, $"max surprise {Synthetic.Max(surprise, Normal, Synthetic.Rows):0.00}");
    }

    [Theory]
    [InlineData(Trouble.VarianceChange)]
    [InlineData(Trouble.FlatLine)]
    [InlineData(Trouble.FrequencyChange)]
    public void Volatility_catches_a_changed_roughness(Trouble trouble)
    {
        var volatility = new VolatilityShiftDetector();
        AssertStandsOut(Run(trouble, (_, v) => volatility.Update(v)), within: 60, factor: 1.8, trouble.ToString());
    }

    [Theory]
    [InlineData(Trouble.Spike)]
    [InlineData(Trouble.LevelShift)]
    public void Context_novelty_catches_shapes_never_drawn_before(Trouble trouble)
    {
        var context = new ContextNoveltyDetector();
        var novelty = Run(trouble, (_, v) => context.Update(v));
        // On the normal stretch every context has been seen many times; the trouble draws new ones.
        Assert.True(Synthetic.Max(novelty, Synthetic.Onset, Synthetic.Onset + 10) >= 0.99, "no novel context after the onset");
        Assert.True(novelty.Skip(Normal).Take(Synthetic.Onset - Normal).Average() < 0.2);
    }

    [Fact]
    public void Context_novelty_ignores_noise_chattering_around_a_level_boundary()
    {
        // A range of 0–12 in 12 levels, then a stretch hovering on the boundary between levels 5 and 6: after the
        // first few values the only contexts are "level 5 (or 6) four times", never a new-looking chatter.
        var context = new ContextNoveltyDetector();
        foreach (var value in Enumerable.Range(0, 260).Select(i => (double)(i % 13)))
        {
            context.Update(value);
        }

        var random = new Random(9);
        var novelty = Enumerable.Range(0, 200).Select(_ => context.Update(6 + ((random.NextDouble() - 0.5) * 0.3))).ToArray();
        Assert.True(novelty.Skip(20).Max() < 0.2, $"max novelty {novelty.Skip(20).Max():0.00}");
    }

    [Fact]
    public void Context_novelty_fades_what_it_has_not_seen_for_long()
    {
        var context = new ContextNoveltyDetector(tableSize: 1024, halveEvery: 64);
        foreach (var value in Enumerable.Repeat(new[] { 1.0, 5.0, 9.0, 5.0 }, 40).SelectMany(x => x))
        {
            context.Update(value);
        }

        foreach (var value in Enumerable.Repeat(new[] { 1.0, 9.0 }, 400).SelectMany(x => x))
        {
            context.Update(value);
        }

        var returned = new[] { 1.0, 5.0, 9.0, 5.0, 1.0 }.Select(context.Update).ToArray()[^1];
        Assert.True(returned > 0.5, $"novelty of a long-forgotten shape was {returned:0.00}");
    }

    [Fact]
    public void Seasonal_bins_follow_the_sampling_interval_with_a_bounded_count()
    {
        var hourly = SeasonalProfileDetector.Daily();
        hourly.Update(0, 1);
        hourly.Update(3_600_000_000L, 1);
        Assert.Equal(24 * 17, hourly.StateBytes);

        var perSecond = SeasonalProfileDetector.Daily();
        perSecond.Update(0, 1);
        perSecond.Update(1_000_000L, 1);
        Assert.Equal(288 * 17, perSecond.StateBytes);
    }

    [Fact]
    public void Parts_have_no_opinion_before_they_can_judge()
    {
        Assert.True(double.IsNaN(SeasonalProfileDetector.Daily().Update(0, 5)));
        Assert.True(double.IsNaN(new VolatilityShiftDetector().Update(5)));
        Assert.True(double.IsNaN(new ContextNoveltyDetector().Update(5)));
    }
}
