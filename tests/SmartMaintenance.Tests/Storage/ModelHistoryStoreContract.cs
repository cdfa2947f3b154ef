using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every model history store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class ModelHistoryStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IModelHistoryStore> NewStoreAsync();

    private static TrainingRun Run(long tenant, DateTimeOffset requested) =>
        new(Guid.NewGuid(), tenant, "asset-pump", "pump", requested.AddDays(-180), requested, "key:planner", requested, TrainingRunStatus.Queued, 0);

    [Fact]
    public async Task A_run_saved_at_each_stage_reads_back_as_its_last_save_per_tenant_newest_first()
    {
        var store = await NewStoreAsync();
        var (older, newer, other) = (Run(1, At), Run(1, At.AddHours(1)), Run(2, At.AddHours(2)));
        foreach (var run in new[] { older, newer, other })
        {
            await store.SaveRunAsync(run, default);
        }

        var completed = newer with
        {
            Status = TrainingRunStatus.Completed,
            Progress = 1,
            FinishedAt = At.AddHours(1.5),
            Version = 3,
            Assets = 5,
            Failures = 7,
            Samples = 900,
            Metrics = new Dictionary<string, double> { ["cv_f1"] = 0.9, ["cv_rmse_hours"] = 61.5 },
            Challenge = true,
            Judged = new Comparison(2, 0.8, 0.85, 2, 120, Promoted: true),
        };
        await store.SaveRunAsync(completed, default);

        var listed = await store.ListRunsAsync(1, 10, default);
        Assert.Equal([newer.RunId, older.RunId], listed.Select(r => r.RunId));
        var read = listed[0];
        Assert.Equal((TrainingRunStatus.Completed, 3, 0.9, true), (read.Status, read.Version, read.Metrics!["cv_f1"], read.Challenge));
        Assert.Equal(completed.Judged, read.Judged);
        Assert.Equal(completed.FinishedAt, read.FinishedAt);
        Assert.Null(await store.FindRunAsync(1, other.RunId, default));
        Assert.Equal(TrainingRunStatus.Queued, (await store.FindRunAsync(2, other.RunId, default))!.Status);
        Assert.Single(await store.ListRunsAsync(1, 1, default));
    }

    [Fact]
    public async Task Drift_checks_read_back_per_model_newest_first_with_every_figure()
    {
        var store = await NewStoreAsync();
        FeatureDriftResult[] features = [new("vibration_position", 6.2, 0.91, 1e-12, true), new("current_trend", double.PositiveInfinity, 0.1, double.NaN, false)];
        var retraining = Guid.NewGuid();
        await store.SaveDriftCheckAsync(1, new DriftCheck("asset-pump", 1, At, 40, features, null, null, "drift not yet persistent"), default);
        await store.SaveDriftCheckAsync(1, new DriftCheck("asset-pump", 1, At.AddHours(6), 42, features, null, retraining, "retraining"), default);
        await store.SaveDriftCheckAsync(1, new DriftCheck("asset-fan", 1, At, 0, [], "No fan has readings", null, "no drift"), default);
        await store.SaveDriftCheckAsync(2, new DriftCheck("asset-pump", 4, At, 1, [], null, null, "no drift"), default);

        var checks = await store.ListDriftChecksAsync(1, "asset-pump", 10, default);
        Assert.Equal(["retraining", "drift not yet persistent"], checks.Select(c => c.Decision));
        Assert.Equal((42, retraining, true), (checks[0].Rows, checks[0].RetrainingRun, checks[0].Drifted));
        Assert.Equal(features[0], checks[0].Features[0]);
        Assert.True(double.IsPositiveInfinity(checks[0].Features[1].Psi) && double.IsNaN(checks[0].Features[1].KsPValue));
        Assert.Equal("No fan has readings", Assert.Single(await store.ListDriftChecksAsync(1, "asset-fan", 10, default)).Problem);
        Assert.Equal(4, Assert.Single(await store.ListDriftChecksAsync(2, "asset-pump", 10, default)).Version);
    }
}

public sealed class SqliteModelHistoryStoreContract : ModelHistoryStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IModelHistoryStore> NewStoreAsync() => new SqliteModelHistoryStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresModelHistoryStoreContract(PostgresServer server) : ModelHistoryStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IModelHistoryStore> NewStoreAsync() => new PostgresModelHistoryStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
