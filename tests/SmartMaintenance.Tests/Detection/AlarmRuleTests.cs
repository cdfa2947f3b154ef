using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Detection;

public sealed class AlarmRuleTests
{
    private const long Second = 1_000_000;

    private static AlarmRule Rule(double? high = null, double? low = null, double hysteresis = 0, int delaySeconds = 0, double? maxRate = null) =>
        new(1, AlarmRuleScope.Sensor, "s", high, low, hysteresis, TimeSpan.FromSeconds(delaySeconds), maxRate, "test", DateTimeOffset.UnixEpoch);

    private static Reading At(int second, double value) => new(7, second * Second, value, ReadingQuality.Good);

    [Fact]
    public void A_high_limit_raises_once_and_clears_only_below_the_hysteresis()
    {
        var rules = new AlarmRuleEvaluator(Rule(high: 80, hysteresis: 5));

        Assert.Equal(default, rules.Check(0, 79));
        Assert.Equal(new AlarmVerdict(true, AlarmRuleEvaluator.HighDetector, false), rules.Check(Second, 81));
        Assert.Equal(new AlarmVerdict(true, null, false), rules.Check(2 * Second, 90));
        // Back under the limit but inside the hysteresis: still in alarm, and a new crossing does not raise again.
        Assert.True(rules.Check(3 * Second, 77).Beyond);
        Assert.Null(rules.Check(4 * Second, 82).Raised);
        Assert.False(rules.Check(5 * Second, 74).Beyond);
        Assert.Equal(AlarmRuleEvaluator.HighDetector, rules.Check(6 * Second, 81).Raised);
    }

    [Fact]
    public void A_delay_raises_only_when_the_value_stays_beyond_the_limit_that_long()
    {
        var rules = new AlarmRuleEvaluator(Rule(low: 10, delaySeconds: 30));

        Assert.Null(rules.Check(0, 9).Raised);
        Assert.Null(rules.Check(20 * Second, 8).Raised);
        Assert.Null(rules.Check(25 * Second, 11).Raised); // back inside: the delay starts again
        Assert.Null(rules.Check(30 * Second, 9).Raised);
        Assert.Null(rules.Check(59 * Second, 9).Raised);
        Assert.Equal(AlarmRuleEvaluator.LowDetector, rules.Check(60 * Second, 9).Raised);
    }

    [Fact]
    public void A_rate_beyond_the_maximum_is_flagged_per_reading_in_units_per_minute()
    {
        var rules = new AlarmRuleEvaluator(Rule(maxRate: 6));

        Assert.False(rules.Check(0, 50).RateExceeded);
        Assert.False(rules.Check(10 * Second, 51).RateExceeded); // 6 a minute: at the maximum, not beyond
        Assert.True(rules.Check(20 * Second, 49.9).RateExceeded); // 6.6 a minute, downwards
        Assert.False(rules.Check(80 * Second, 55).RateExceeded);
    }

    [Fact]
    public void A_new_rule_raises_on_the_next_reading_beyond_it_and_a_removed_limit_ends_its_alarm()
    {
        var rules = new AlarmRuleEvaluator();
        Assert.Equal(default, rules.Check(0, 95));

        rules.Reconfigure(Rule(high: 90));
        Assert.Equal(AlarmRuleEvaluator.HighDetector, rules.Check(Second, 96).Raised);

        rules.Reconfigure(Rule(low: 10));
        Assert.False(rules.Check(2 * Second, 97).Beyond);
        rules.Reconfigure(null);
        Assert.Equal(default, rules.Check(3 * Second, 5));
    }

    [Fact]
    public void Where_a_rule_stands_survives_a_snapshot_so_a_restart_does_not_raise_the_same_alarm_again()
    {
        var rules = new AlarmRuleEvaluator(Rule(high: 80));
        Assert.NotNull(rules.Check(0, 85).Raised);

        var restored = new AlarmRuleEvaluator(Rule(high: 80), rules.Snapshot());
        Assert.Equal(new AlarmVerdict(true, null, false), restored.Check(Second, 86));
    }

    [Theory]
    [InlineData(80.0, 90.0, 0.0, 0, null, "high")]
    [InlineData(90.0, 80.0, 10.0, 0, null, "hysteresis")]
    [InlineData(90.0, null, -1.0, 0, null, "hysteresis")]
    [InlineData(90.0, null, 0.0, -5, null, "delay_seconds")]
    [InlineData(null, null, 0.0, 0, 0.0, "max_rate_per_minute")]
    [InlineData(null, null, 0.0, 0, null, "high")]
    [InlineData(double.PositiveInfinity, null, 0.0, 0, null, "high")]
    public void Figures_that_make_no_rule_are_refused_by_field(double? high, double? low, double hysteresis, int delay, double? rate, string field)
    {
        var problems = AlarmRule.Problems(high, low, hysteresis, TimeSpan.FromSeconds(delay), rate);

        Assert.Contains(field, problems.Keys);
    }

    [Fact]
    public void Sound_figures_pass()
    {
        Assert.Empty(AlarmRule.Problems(90, 10, 2, TimeSpan.FromMinutes(1), 5));
        Assert.Empty(AlarmRule.Problems(null, null, 0, TimeSpan.Zero, 5));
    }

    [Fact]
    public void A_limits_alarm_starts_an_anomaly_even_inside_an_episode_the_detectors_opened()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor with { ExpectedMin = null, ExpectedMax = null }, rule: Rule(high: 200));
        var random = new Random(3);
        var second = 0;
        for (; second < 300; second++)
        {
            Assert.False(monitor.Observe(At(second, 40 + random.NextDouble())).StartsAnomaly);
        }

        var spike = monitor.Observe(At(second++, 150));
        Assert.True(spike.StartsAnomaly);
        Assert.DoesNotContain(AlarmRuleEvaluator.HighDetector, spike.Detectors);

        var limit = monitor.Observe(At(second++, 210));
        Assert.True(limit.StartsAnomaly);
        Assert.Contains(AlarmRuleEvaluator.HighDetector, limit.Detectors);
        Assert.True(limit.Score >= SensorSignalMonitor.RuleScore);
        Assert.True(SensorSignalMonitor.SeverityOf(limit) >= AnomalySeverity.High);

        // Still beyond: part of the same alarm, no new anomaly.
        Assert.False(monitor.Observe(At(second, 215)).StartsAnomaly);
    }
}
