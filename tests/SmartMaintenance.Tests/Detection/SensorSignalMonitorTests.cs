using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Detection;

public sealed class SensorSignalMonitorTests
{
    private const long Second = 1_000_000;

    private static Reading At(int second, double value) => new(7, second * Second, value, ReadingQuality.Good);

    [Fact]
    public void An_abnormal_episode_raises_one_anomaly_and_a_later_one_raises_another_after_calm()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor, calmReadings: 30);
        var random = new Random(11);
        var second = 0;
        double Normal() => 40 + random.NextDouble();
        for (; second < 300; second++)
        {
            Assert.False(monitor.Observe(At(second, Normal())).StartsAnomaly);
        }

        var first = monitor.Observe(At(second++, 95));
        Assert.True(first.StartsAnomaly);
        Assert.Contains("robust_z", first.Detectors);
        Assert.False(monitor.Observe(At(second++, 96)).StartsAnomaly);
        Assert.False(monitor.Observe(At(second++, 97)).StartsAnomaly);

        for (var i = 0; i < 40; i++, second++)
        {
            Assert.False(monitor.Observe(At(second, Normal())).StartsAnomaly);
        }

        Assert.True(monitor.Observe(At(second, 99)).StartsAnomaly);
    }

    [Fact]
    public void The_context_window_holds_the_latest_readings_oldest_first()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor, contextSize: 4);
        for (var s = 0; s < 10; s++)
        {
            monitor.Observe(At(s, s));
        }

        Assert.Equal([6.0, 7, 8, 9], monitor.Context().Select(r => r.Value));
    }

    [Fact]
    public void Leaving_the_expected_range_is_an_anomaly_of_at_least_high_severity()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        monitor.Observe(At(0, 50));
        var observation = monitor.Observe(At(1, 120));
        Assert.True(observation.StartsAnomaly);
        Assert.Contains("expected_range", observation.Detectors);
        Assert.True(monitor.SeverityOf(observation) >= AnomalySeverity.High);
        Assert.Equal(DataQualityIssues.OutOfRange, observation.RaisedIssues);
    }
}
