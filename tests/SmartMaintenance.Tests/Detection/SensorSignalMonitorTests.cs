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

    private static double Cycle(Random random, int i) => 50 + (5 * Math.Sin(i * 2 * Math.PI / 288)) + random.NextDouble();

    [Fact]
    public void A_signal_gone_flat_is_raised_by_the_resonance_detector_after_its_warm_up()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            Assert.False(monitor.Observe(At(i * 300, Cycle(random, i))).StartsAnomaly, $"reading {i}");
            Assert.Equal(i + 1 >= SmartMaintenance.Detection.Ensemble.DetectorSettings.MaxWarmUp, monitor.Judging);
        }

        var flat = Cycle(random, 2000);
        var raised = Enumerable.Range(2000, 150).Select(i => monitor.Observe(At(i * 300, flat))).Where(o => o.StartsAnomaly).ToList();

        var anomaly = Assert.Single(raised);
        Assert.Equal(["resonance"], anomaly.Detectors);
        Assert.True(anomaly.Score >= monitor.ReportingLevel);
    }

    [Fact]
    public void The_warm_up_waits_for_a_day_of_readings_when_750_do_not_cover_one()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        var random = new Random(8);

        // One reading a minute: 750 readings are 12.5 hours; the detector starts judging once the readings cover 24 hours.
        for (var i = 0; i < 1440; i++)
        {
            Assert.False(monitor.Judging, $"judging after {i} readings");
            monitor.Observe(At(i * 60, 50 + (5 * Math.Sin(i * 2 * Math.PI / 1440)) + random.NextDouble()));
        }

        Assert.True(monitor.Judging);
    }

    [Fact]
    public void A_monitor_restored_from_its_saved_state_judges_on_as_if_it_had_not_stopped()
    {
        var random = new Random(6);
        var readings = Enumerable.Range(0, 3000).Select(i => At(i * 300, i is >= 2500 and < 2520 ? 70 : Cycle(random, i))).ToArray();
        var whole = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        var expected = readings.Select(r => whole.Observe(r)).Select(o => (o.StartsAnomaly, o.Score)).ToList();

        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor);
        var observed = new List<(bool, double)>();
        foreach (var (from, to) in new[] { (0, 500), (500, 2200), (2200, 3000) })
        {
            observed.AddRange(readings[from..to].Select(r => monitor.Observe(r)).Select(o => (o.StartsAnomaly, o.Score)));
            var json = System.Text.Json.JsonSerializer.Serialize(monitor.Snapshot(), SmartMaintenance.Storage.Sqlite.SqliteGrainStorage.JsonOptions);
            var state = System.Text.Json.JsonSerializer.Deserialize<SensorMonitorState>(json, SmartMaintenance.Storage.Sqlite.SqliteGrainStorage.JsonOptions);
            monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor, restored: state);
        }

        // The episode in progress is not part of the saved state, so compare the scores and the anomalies away from a save.
        Assert.Equal(expected.Select(e => e.Score), observed.Select(o => o.Item2));
        Assert.Contains(expected[2500..2530], e => e.StartsAnomaly);
    }

    [Fact]
    public void A_new_sensitivity_moves_the_reporting_level_of_a_running_monitor()
    {
        var monitor = new SensorSignalMonitor(DataQualityMonitorTests.Sensor, new SmartMaintenance.Detection.Ensemble.DetectorSettings(Sensitivity: 0.5));
        Assert.Equal(0.4, monitor.ReportingLevel, 9);
        monitor.Reconfigure(new SmartMaintenance.Detection.Ensemble.DetectorSettings(Sensitivity: 0), null);
        Assert.Equal(0.8, monitor.ReportingLevel, 9);
        monitor.Reconfigure(new SmartMaintenance.Detection.Ensemble.DetectorSettings(Sensitivity: 1), null);
        Assert.Equal(0, monitor.ReportingLevel, 9);
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
