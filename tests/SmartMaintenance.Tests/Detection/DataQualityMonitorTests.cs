using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Detection;

public sealed class DataQualityMonitorTests
{
    internal static readonly Sensor Sensor = new(7, 1, "pump-1-temp", "pump-1", "temperature", "°C", 0, 100, 1, false, default);
    private const long Second = 1_000_000;

    [Fact]
    public void A_value_outside_the_expected_range_is_flagged()
    {
        var monitor = new DataQualityMonitor(Sensor);
        Assert.Equal(DataQualityIssues.None, monitor.Check(0, 50));
        Assert.True(monitor.Check(Second, 150).HasFlag(DataQualityIssues.OutOfRange));
        Assert.True(monitor.Check(2 * Second, -1).HasFlag(DataQualityIssues.OutOfRange));
    }

    [Fact]
    public void The_same_value_many_times_in_a_row_is_stuck()
    {
        var monitor = new DataQualityMonitor(Sensor, stuckRun: 5);
        var flags = Enumerable.Range(0, 6).Select(i => monitor.Check(i * Second, 42)).ToArray();
        Assert.All(flags[..4], f => Assert.False(f.HasFlag(DataQualityIssues.Stuck)));
        Assert.True(flags[4].HasFlag(DataQualityIssues.Stuck));
        Assert.False(monitor.Check(6 * Second, 43).HasFlag(DataQualityIssues.Stuck));
    }

    [Fact]
    public void A_silence_much_longer_than_the_sample_interval_is_a_gap()
    {
        var monitor = new DataQualityMonitor(Sensor, gapFactor: 5);
        monitor.Check(0, 50);
        Assert.False(monitor.Check(4 * Second, 50.1).HasFlag(DataQualityIssues.Gap));
        Assert.True(monitor.Check(60 * Second, 50.2).HasFlag(DataQualityIssues.Gap));
    }

    [Fact]
    public void A_late_reading_is_out_of_order()
    {
        var monitor = new DataQualityMonitor(Sensor);
        monitor.Check(10 * Second, 50);
        Assert.True(monitor.Check(5 * Second, 50).HasFlag(DataQualityIssues.OutOfOrder));
        Assert.True(monitor.Check(10 * Second, 50).HasFlag(DataQualityIssues.OutOfOrder));
    }

    [Fact]
    public void A_jump_far_faster_than_usual_is_a_rate_of_change()
    {
        var monitor = new DataQualityMonitor(Sensor, warmup: 30);
        for (var i = 0; i < 100; i++)
        {
            monitor.Check(i * Second, 50 + (i % 2 == 0 ? 0.1 : -0.1));
        }

        Assert.True(monitor.Check(100 * Second, 90).HasFlag(DataQualityIssues.RateOfChange));
    }
}
