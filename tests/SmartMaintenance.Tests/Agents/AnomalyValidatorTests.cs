using SmartMaintenance.Agents.Validation;
using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Agents;

public sealed class AnomalyValidatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly ValidationPolicy Policy = new();

    private static Anomaly Anomaly(double score, DateTimeOffset at, long sensorKey = 1, AnomalyStatus status = AnomalyStatus.Detected) =>
        new(Guid.NewGuid(), 1, sensorKey, $"sensor-{sensorKey}", "pump-1", at, at, at.AddMinutes(-1), at, 90, score,
            AnomalySeverity.High, ["spike"], status, Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_clear_anomaly_is_validated_with_its_score_as_confidence()
    {
        var verdict = AnomalyValidator.Judge(Anomaly(0.9, T0), DataQualityIssues.None, [], Policy);
        Assert.True(verdict.Valid);
        Assert.Equal(0.9, verdict.Confidence, 3);
        Assert.Contains("detector score 0.90", verdict.Reason);
    }

    [Fact]
    public void A_stuck_sensor_is_a_data_problem_and_is_dismissed()
    {
        var verdict = AnomalyValidator.Judge(Anomaly(0.99, T0), DataQualityIssues.Stuck, [], Policy);
        Assert.False(verdict.Valid);
        Assert.Contains("stuck", verdict.Reason);
    }

    [Fact]
    public void A_second_anomaly_within_the_cool_down_is_a_duplicate_and_after_it_is_judged_afresh()
    {
        var first = Anomaly(0.9, T0, status: AnomalyStatus.Validated);
        var duplicate = AnomalyValidator.Judge(Anomaly(0.9, T0.AddMinutes(5)), DataQualityIssues.None, [first], Policy);
        Assert.False(duplicate.Valid);
        Assert.Contains($"duplicate of anomaly {first.AnomalyId}", duplicate.Reason);

        var later = AnomalyValidator.Judge(Anomaly(0.9, T0.AddMinutes(20)), DataQualityIssues.None, [first], Policy);
        Assert.True(later.Valid);
        Assert.Contains("recurring: 1", later.Reason);
    }

    [Fact]
    public void More_validated_anomalies_in_an_hour_than_the_policy_allows_is_a_flood()
    {
        var policy = Policy with { CoolDown = TimeSpan.FromMinutes(1), MaxPerHour = 2 };
        Anomaly[] history = [Anomaly(0.9, T0, status: AnomalyStatus.Validated), Anomaly(0.9, T0.AddMinutes(10), status: AnomalyStatus.Validated)];
        var verdict = AnomalyValidator.Judge(Anomaly(0.9, T0.AddMinutes(20)), DataQualityIssues.None, history, policy);
        Assert.False(verdict.Valid);
        Assert.Contains("alarm flood: 2", verdict.Reason);
    }

    [Fact]
    public void A_borderline_anomaly_is_kept_only_when_another_sensor_of_the_asset_corroborates_it()
    {
        var borderline = Anomaly(0.52, T0);
        var alone = AnomalyValidator.Judge(borderline, DataQualityIssues.None, [], Policy);
        Assert.False(alone.Valid);
        Assert.Contains("below the threshold", alone.Reason);

        var neighbour = Anomaly(0.8, T0.AddMinutes(-3), sensorKey: 2);
        var corroborated = AnomalyValidator.Judge(borderline, DataQualityIssues.None, [neighbour], Policy);
        Assert.True(corroborated.Valid);
        Assert.True(corroborated.Corroborated);
        Assert.Contains("corroborated by sensor-2", corroborated.Reason);

        // A strong anomaly alone is kept, but nothing stands behind it.
        var strongAlone = AnomalyValidator.Judge(Anomaly(0.95, T0), DataQualityIssues.None, [], Policy);
        Assert.Equal((true, false), (strongAlone.Valid, strongAlone.Corroborated));
    }

    [Fact]
    public void An_anomaly_right_after_a_gap_needs_more_evidence()
    {
        var verdict = AnomalyValidator.Judge(Anomaly(0.7, T0), DataQualityIssues.Gap, [], Policy);
        Assert.False(verdict.Valid);
        Assert.Contains("gap", verdict.Reason);
    }

    [Fact]
    public void An_anomaly_right_after_maintenance_on_the_asset_needs_more_evidence()
    {
        var done = new WorkOrder(Guid.NewGuid(), 1, Guid.NewGuid(), "pump-1", WorkOrderStatus.Completed, ["mechanical"], 2, T0, null,
            T0.AddHours(-5), "c", new MaintenanceRecord(MaintenanceOutcome.ProblemFound, "bearing replaced", [], 60, "key:1:tech", T0.AddMinutes(-30)));
        var soon = AnomalyValidator.Judge(Anomaly(0.7, T0), DataQualityIssues.None, [], Policy, [done]);
        Assert.False(soon.Valid);
        Assert.Contains($"after maintenance (work order {done.WorkOrderId})", soon.Reason);

        var later = AnomalyValidator.Judge(Anomaly(0.7, T0.AddHours(3)), DataQualityIssues.None, [], Policy, [done]);
        Assert.True(later.Valid);
    }
}
