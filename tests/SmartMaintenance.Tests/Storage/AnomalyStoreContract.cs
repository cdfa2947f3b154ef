using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every anomaly store must do, run against each store (SQLite, and PostgreSQL below): filters on reading and
/// detection time, labelled anomalies by their latest outcome, counts narrowed to assets, tenants kept apart.
/// </summary>
public abstract class AnomalyStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An anomaly store and a label store on the same empty, migrated database.</summary>
    protected abstract Task<(IAnomalyStore Anomalies, ILabelStore Labels)> NewStoresAsync();

    private static Anomaly Anomaly(string asset, DateTimeOffset at, DateTimeOffset detectedAt, long tenant = 1) => new(
        Guid.NewGuid(), tenant, 7, asset + "-temp", asset, at, detectedAt, at.AddMinutes(-5), at, 42, 0.9, AnomalySeverity.High,
        ["level"], AnomalyStatus.Detected, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Occurred_filters_on_the_reading_time_and_since_on_the_detection_time()
    {
        var (store, _) = await NewStoresAsync();
        // Late data: a reading from two hours ago is judged now.
        var late = Anomaly("pump", Now.AddHours(-2), Now);
        var fresh = Anomaly("pump", Now.AddMinutes(-1), Now);
        await store.SaveAsync(late, default);
        await store.SaveAsync(fresh, default);

        var window = await store.ListAsync(1, new AnomalyQuery(SensorId: "pump-temp", OccurredFrom: Now.AddHours(-3), OccurredBefore: Now.AddHours(-1)), default);
        Assert.Equal([late.AnomalyId], window.Select(a => a.AnomalyId));
        var detectedRecently = await store.ListAsync(1, new AnomalyQuery(Since: Now.AddMinutes(-5)), default);
        Assert.Equal(2, detectedRecently.Count);
    }

    [Fact]
    public async Task Labelled_anomalies_are_listed_by_their_latest_outcome_oldest_first_per_tenant()
    {
        var (store, labels) = await NewStoresAsync();
        var (second, first, relabelled, unlabelled, other) =
            (Anomaly("pump", Now, Now), Anomaly("fan", Now.AddDays(-3), Now), Anomaly("pump", Now.AddDays(-1), Now), Anomaly("pump", Now, Now), Anomaly("pump", Now, Now, tenant: 2));
        foreach (var anomaly in new[] { second, first, relabelled, unlabelled, other })
        {
            await store.SaveAsync(anomaly, default);
        }

        static AnomalyLabel Label(Anomaly a, AnomalyOutcome outcome) => new(a.AnomalyId, a.TenantId, outcome, Guid.NewGuid(), Now);
        await labels.SaveAsync([Label(second, AnomalyOutcome.TrueAlarm), Label(first, AnomalyOutcome.TrueAlarm), Label(relabelled, AnomalyOutcome.TrueAlarm),
            Label(other, AnomalyOutcome.TrueAlarm)], default);
        await labels.SaveAsync([Label(relabelled, AnomalyOutcome.FalseAlarm)], default);

        var confirmed = await store.ListLabelledAsync(1, AnomalyOutcome.TrueAlarm, default);
        Assert.Equal([first.AnomalyId, second.AnomalyId], confirmed.Select(a => a.AnomalyId));
        Assert.Equal(("fan", first.At), (confirmed[0].AssetId, confirmed[0].At));
        Assert.Equal([relabelled.AnomalyId], (await store.ListLabelledAsync(1, AnomalyOutcome.FalseAlarm, default)).Select(a => a.AnomalyId));
        Assert.Equal([other.AnomalyId], (await store.ListLabelledAsync(2, AnomalyOutcome.TrueAlarm, default)).Select(a => a.AnomalyId));
    }

    [Fact]
    public async Task Counting_since_a_time_can_be_narrowed_to_some_assets()
    {
        var (store, _) = await NewStoresAsync();
        await store.SaveAsync(Anomaly("pump", Now, Now), default);
        await store.SaveAsync(Anomaly("pump", Now, Now), default);
        await store.SaveAsync(Anomaly("fan", Now, Now), default);
        await store.SaveAsync(Anomaly("fan", Now, Now.AddDays(-2)), default);
        await store.SaveAsync(Anomaly("pump", Now, Now, tenant: 2), default);

        var midnight = new DateTimeOffset(Now.Date, TimeSpan.Zero);
        Assert.Equal(3, await store.CountSinceAsync(1, midnight, null, default));
        Assert.Equal(2, await store.CountSinceAsync(1, midnight, ["pump"], default));
        Assert.Equal(3, await store.CountSinceAsync(1, midnight, ["pump", "fan", "chiller"], default));
        Assert.Equal(0, await store.CountSinceAsync(1, midnight, [], default));
    }

    [Fact]
    public async Task Saving_again_updates_status_confidence_and_reason_and_every_field_reads_back_in_its_tenant_only()
    {
        var (store, _) = await NewStoresAsync();
        var anomaly = Anomaly("pump", Now, Now.AddSeconds(3)) with { AssetId = null, Detectors = ["level", "artime"], Value = -1.5e-3 };
        await store.SaveAsync(anomaly, default);
        await store.SaveAsync(anomaly with { Status = AnomalyStatus.Validated, Confidence = 0.75, Reason = "corroborated", Score = 0.1 }, default);

        var found = await store.FindAsync(1, anomaly.AnomalyId, default);
        Assert.NotNull(found);
        Assert.Equal((AnomalyStatus.Validated, (double?)0.75, "corroborated", 0.9), (found.Status, found.Confidence, found.Reason, found.Score));
        Assert.Equal((anomaly.At, anomaly.DetectedAt, anomaly.WindowStart, anomaly.WindowEnd),
            (found.At, found.DetectedAt, found.WindowStart, found.WindowEnd));
        Assert.Equal((7L, "pump-temp", (string?)null, -1.5e-3, AnomalySeverity.High, anomaly.CorrelationId),
            (found.SensorKey, found.SensorId, found.AssetId, found.Value, found.Severity, found.CorrelationId));
        Assert.Equal(["level", "artime"], found.Detectors);
        Assert.Null(await store.FindAsync(2, anomaly.AnomalyId, default));
        Assert.Null(await store.FindAsync(1, Guid.NewGuid(), default));
        Assert.Empty(await store.ListAsync(2, new AnomalyQuery(), default));
    }

    [Fact]
    public async Task Lists_are_newest_detected_first_filtered_by_sensor_and_asset_and_limited()
    {
        var (store, _) = await NewStoresAsync();
        var anomalies = Enumerable.Range(0, 4).Select(i => Anomaly(i % 2 == 0 ? "pump" : "fan", Now, Now.AddMinutes(i))).ToList();
        foreach (var anomaly in anomalies)
        {
            await store.SaveAsync(anomaly, default);
        }

        Assert.Equal([anomalies[3].AnomalyId, anomalies[2].AnomalyId, anomalies[1].AnomalyId],
            (await store.ListAsync(1, new AnomalyQuery(Limit: 3), default)).Select(a => a.AnomalyId));
        Assert.Equal([anomalies[2].AnomalyId, anomalies[0].AnomalyId],
            (await store.ListAsync(1, new AnomalyQuery(AssetId: "pump"), default)).Select(a => a.AnomalyId));
        Assert.Equal([anomalies[3].AnomalyId, anomalies[1].AnomalyId],
            (await store.ListAsync(1, new AnomalyQuery(SensorId: "fan-temp"), default)).Select(a => a.AnomalyId));
    }
}

public sealed class SqliteAnomalyStoreContract : AnomalyStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<(IAnomalyStore Anomalies, ILabelStore Labels)> NewStoresAsync() =>
        Task.FromResult<(IAnomalyStore, ILabelStore)>((new SqliteAnomalyStore(_temp.Database), new SqliteLabelStore(_temp.Database)));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAnomalyStoreContract(PostgresServer server) : AnomalyStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<(IAnomalyStore Anomalies, ILabelStore Labels)> NewStoresAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return (new PostgresAnomalyStore(_database), new PostgresLabelStore(_database));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
