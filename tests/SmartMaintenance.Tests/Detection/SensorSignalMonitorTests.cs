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
        Assert.Contains("spike", first.Detectors);
        Assert.False(monitor.Observe(At(second++, 96)).StartsAnomaly);
        Assert.False(monitor.Observe(At(second++, 97)).StartsAnomaly);

        for (var i = 0; i < 40; i++, second++)
        {
            Assert.False(monitor.Observe(At(second, Normal())).StartsAnomaly);
        }

        Assert.True(monitor.Observe(At(second, 99)).StartsAnomaly);
    }

    [Fact]
    public void A_signal_gone_flat_is_raised_by_the_ensemble_naming_the_parts_that_saw_it()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        var random = new Random(5);
        double Cycle(int i) => 50 + (5 * Math.Sin(i * 2 * Math.PI / 288)) + random.NextDouble();
        for (var i = 0; i < 2000; i++)
        {
            Assert.False(monitor.Observe(At(i * 300, Cycle(i))).StartsAnomaly, $"reading {i}");
        }

        var flat = Cycle(2000);
        var raised = Enumerable.Range(2000, 150).Select(i => monitor.Observe(At(i * 300, flat))).Where(o => o.StartsAnomaly).ToList();

        var anomaly = Assert.Single(raised);
        Assert.Contains("volatility", anomaly.Detectors);
        Assert.DoesNotContain("spike", anomaly.Detectors);
        Assert.True(anomaly.Score >= monitor.FiringLevel);
    }

    [Fact]
    public void A_new_sensitivity_moves_the_firing_level_of_a_running_monitor()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor, new SmartMaintenance.Detection.Ensemble.DetectorSettings(Sensitivity: 0.5));
        Assert.Equal(0.6, monitor.FiringLevel, 9);
        monitor.Reconfigure(new SmartMaintenance.Detection.Ensemble.DetectorSettings(Sensitivity: 1));
        Assert.Equal(0.4, monitor.FiringLevel, 9);
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
        Assert.True(SensorSignalMonitor.SeverityOf(observation) >= AnomalySeverity.High);
        Assert.Equal(DataQualityIssues.OutOfRange, observation.RaisedIssues);
    }
}
