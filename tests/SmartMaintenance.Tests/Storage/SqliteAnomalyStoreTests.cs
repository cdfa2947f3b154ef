using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteAnomalyStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _temp = new();
    private readonly SqliteAnomalyStore _store;

    public SqliteAnomalyStoreTests() => _store = new SqliteAnomalyStore(_temp.Database);

    public void Dispose() => _temp.Dispose();

    private static Anomaly Anomaly(string asset, DateTimeOffset at, DateTimeOffset detectedAt, long tenant = 1) => new(
        Guid.NewGuid(), tenant, 7, asset + "-temp", asset, at, detectedAt, at.AddMinutes(-5), at, 42, 0.9, AnomalySeverity.High,
        ["level"], AnomalyStatus.Detected, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Occurred_filters_on_the_reading_time_and_since_on_the_detection_time()
    {
        // Late data: a reading from two hours ago is judged now.
        var late = Anomaly("pump", Now.AddHours(-2), Now);
        var fresh = Anomaly("pump", Now.AddMinutes(-1), Now);
        await _store.SaveAsync(late, default);
        await _store.SaveAsync(fresh, default);

        var window = await _store.ListAsync(1, new AnomalyQuery(SensorId: "pump-temp", OccurredFrom: Now.AddHours(-3), OccurredBefore: Now.AddHours(-1)), default);
        Assert.Equal([late.AnomalyId], window.Select(a => a.AnomalyId));
        var detectedRecently = await _store.ListAsync(1, new AnomalyQuery(Since: Now.AddMinutes(-5)), default);
        Assert.Equal(2, detectedRecently.Count);
    }

    [Fact]
    public async Task Labelled_anomalies_are_listed_by_their_latest_outcome_oldest_first_per_tenant()
    {
        var labels = new SqliteLabelStore(_temp.Database);
        var (second, first, relabelled, unlabelled, other) =
            (Anomaly("pump", Now, Now), Anomaly("fan", Now.AddDays(-3), Now), Anomaly("pump", Now.AddDays(-1), Now), Anomaly("pump", Now, Now), Anomaly("pump", Now, Now, tenant: 2));
        foreach (var anomaly in new[] { second, first, relabelled, unlabelled, other })
        {
            await _store.SaveAsync(anomaly, default);
        }

        static AnomalyLabel Label(Anomaly a, AnomalyOutcome outcome) => new(a.AnomalyId, a.TenantId, outcome, Guid.NewGuid(), Now);
        await labels.SaveAsync([Label(second, AnomalyOutcome.TrueAlarm), Label(first, AnomalyOutcome.TrueAlarm), Label(relabelled, AnomalyOutcome.TrueAlarm),
            Label(other, AnomalyOutcome.TrueAlarm)], default);
        await labels.SaveAsync([Label(relabelled, AnomalyOutcome.FalseAlarm)], default);

        var confirmed = await _store.ListLabelledAsync(1, AnomalyOutcome.TrueAlarm, default);
        Assert.Equal([first.AnomalyId, second.AnomalyId], confirmed.Select(a => a.AnomalyId));
        Assert.Equal(("fan", first.At), (confirmed[0].AssetId, confirmed[0].At));
        Assert.Equal([relabelled.AnomalyId], (await _store.ListLabelledAsync(1, AnomalyOutcome.FalseAlarm, default)).Select(a => a.AnomalyId));
        Assert.Equal([other.AnomalyId], (await _store.ListLabelledAsync(2, AnomalyOutcome.TrueAlarm, default)).Select(a => a.AnomalyId));
    }

    [Fact]
    public async Task Counting_since_a_time_can_be_narrowed_to_some_assets()
    {
        await _store.SaveAsync(Anomaly("pump", Now, Now), default);
        await _store.SaveAsync(Anomaly("pump", Now, Now), default);
        await _store.SaveAsync(Anomaly("fan", Now, Now), default);
        await _store.SaveAsync(Anomaly("fan", Now, Now.AddDays(-2)), default);
        await _store.SaveAsync(Anomaly("pump", Now, Now, tenant: 2), default);

        var midnight = new DateTimeOffset(Now.Date, TimeSpan.Zero);
        Assert.Equal(3, await _store.CountSinceAsync(1, midnight, null, default));
        Assert.Equal(2, await _store.CountSinceAsync(1, midnight, ["pump"], default));
        Assert.Equal(3, await _store.CountSinceAsync(1, midnight, ["pump", "fan", "chiller"], default));
        Assert.Equal(0, await _store.CountSinceAsync(1, midnight, [], default));
    }
}
