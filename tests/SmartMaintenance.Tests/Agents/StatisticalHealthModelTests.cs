using SmartMaintenance.Domain;
using SmartMaintenance.Models;

namespace SmartMaintenance.Tests.Agents;

public sealed class StatisticalHealthModelTests
{
    private static readonly Sensor Sensor = new(1, 1, "pump-1-temp", "pump-1", "temperature", "°C", 0, 100, 1, false, default);

    private static RollupPoint Minute(int minute, double mean) => new(minute * UnixMicros.PerMinute, 60, mean, mean, mean, 0);

    [Fact]
    public void A_healthy_asset_has_a_low_risk_and_no_remaining_useful_life_estimate()
    {
        var health = new SensorHealth("pump-1-temp", 40, 0.2, 0, 0, 100);
        var assessment = StatisticalHealthModel.Assess(new AssetHealthInputs([health], 0, null));
        Assert.True(assessment.FailureProbability < 0.1, $"p = {assessment.FailureProbability}");
        Assert.Null(assessment.RemainingUsefulLife);
    }

    [Fact]
    public void Risk_grows_with_drift_validated_anomalies_severity_and_a_near_limit_and_each_part_is_explained()
    {
        var calm = StatisticalHealthModel.Assess(new AssetHealthInputs([new SensorHealth("t", 40, 0.5, 0, 0, 100)], 0, null));
        var worse = StatisticalHealthModel.Assess(new AssetHealthInputs([new SensorHealth("t", 90, 5, 2, 0, 100)], 3, AnomalySeverity.Critical));
        Assert.True(worse.FailureProbability > 0.9, $"p = {worse.FailureProbability}");
        Assert.True(worse.FailureProbability > calm.FailureProbability);
        Assert.Equal(TimeSpan.FromHours(5), worse.RemainingUsefulLife);
        Assert.Equal(2.5, worse.Explanation["drift:t"], 6);
        Assert.Equal(1.8, worse.Explanation["validated_anomalies_24h"], 6);
        Assert.Equal(2.0, worse.Explanation["worst_severity_24h"], 6);
        Assert.Equal(2.0, worse.Explanation["time_to_limit"], 6);
        var logit = -3 + worse.Explanation.Values.Sum();
        Assert.Equal(1 / (1 + Math.Exp(-logit)), worse.FailureProbability, 9);
    }

    [Fact]
    public void Describe_finds_the_trend_of_the_minute_means_and_the_drift_from_the_hourly_baseline()
    {
        var minutes = Enumerable.Range(600, 60).Select(m => Minute(m, 50 + ((m - 600) * 0.1))).ToList();
        var hours = Enumerable.Range(0, 9).Select(h => new RollupPoint(h * UnixMicros.PerHour, 3600, 0, 0, 50 + (h % 2), 1)).ToList();
        var health = StatisticalHealthModel.Describe(Sensor, minutes, hours);
        Assert.Equal(6, health.SlopePerHour!.Value, 6);
        Assert.True(health.DriftZ > 5, $"drift z = {health.DriftZ}");
        Assert.Equal((100 - health.Current!.Value) / 6, health.TimeToLimit()!.Value.TotalHours, 6);
    }
}
