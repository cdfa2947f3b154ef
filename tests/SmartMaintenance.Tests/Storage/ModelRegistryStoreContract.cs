using SmartMaintenance.Models.Registry;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every model registry store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class ModelRegistryStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IModelRegistryStore> NewStoreAsync();

    private static ModelVersion Version(long tenant, string name, int? parent = null) => new(
        tenant, name, 99, "gradient-boosting", ModelStage.Staging, "ab12", $"models/{name}.bin",
        new Dictionary<string, string> { ["trees"] = "200", ["depth"] = "4" }, new Dictionary<string, double> { ["f1"] = 0.91, ["auc"] = 0.5 },
        ["vibration_rms", "temperature_trend"], "fleet:2026-11", "key:planner", parent, At, default)
    {
        AssetKind = "pump",
    };

    /// <summary>The parts of a version that compare by value (its dictionaries and lists compare by reference).</summary>
    private static object Shape(ModelVersion m) => (
        m with { Parameters = null!, Metrics = null!, Features = null! }, string.Join(';', m.Parameters), string.Join(';', m.Metrics), string.Join(';', m.Features));

    [Fact]
    public async Task Versions_are_numbered_one_after_another_per_name_and_tenant_and_read_back_as_added()
    {
        var store = await NewStoreAsync();

        var first = await store.AddAsync(Version(1, "pump-rul"), default);
        var second = await store.AddAsync(Version(1, "pump-rul", parent: 1) with { AssetKind = null }, default);
        var other = await store.AddAsync(Version(1, "fan-rul"), default);
        var elsewhere = await store.AddAsync(Version(2, "pump-rul"), default);

        Assert.Equal((1, 2, 1, 1), (first.Version, second.Version, other.Version, elsewhere.Version));
        Assert.Equal(At, first.StageChangedAt);
        var listed = await store.ListAsync(1, default);
        Assert.Equal([("fan-rul", 1), ("pump-rul", 1), ("pump-rul", 2)], listed.Select(m => (m.Name, m.Version)));
        Assert.Equal([Shape(other), Shape(first), Shape(second)], listed.Select(Shape));
        Assert.Equal([Shape(elsewhere)], (await store.ListAsync(2, default)).Select(Shape));
    }

    [Fact]
    public async Task Promoting_a_version_archives_the_production_one_and_answers_both()
    {
        var store = await NewStoreAsync();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await store.AddAsync(Version(1, "pump-rul"), default);
        }

        await store.AddAsync(Version(2, "pump-rul"), default);
        await store.SetStageAsync(2, "pump-rul", 1, ModelStage.Production, At, default);

        var promoted = await store.SetStageAsync(1, "pump-rul", 1, ModelStage.Production, At.AddHours(1), default);
        Assert.Equal([(1, ModelStage.Production)], promoted.Select(m => (m.Version, m.Stage)));
        var later = At.AddHours(2);
        var changed = await store.SetStageAsync(1, "pump-rul", 3, ModelStage.Production, later, default);

        Assert.Equal([(1, ModelStage.Archived, later), (3, ModelStage.Production, later)], changed.Select(m => (m.Version, m.Stage, m.StageChangedAt)));
        Assert.Equal([ModelStage.Archived, ModelStage.Staging, ModelStage.Production], (await store.ListAsync(1, default)).Select(m => m.Stage));
        Assert.Equal(ModelStage.Production, Assert.Single(await store.ListAsync(2, default)).Stage);
        Assert.Empty(await store.SetStageAsync(1, "pump-rul", 4, ModelStage.Production, later, default));
        Assert.Empty(await store.SetStageAsync(1, "fan-rul", 1, ModelStage.Archived, later, default));
        Assert.Equal(ModelStage.Production, (await store.ListAsync(1, default))[2].Stage);
    }

    [Fact]
    public async Task Concurrent_adds_take_distinct_numbers_and_concurrent_promotions_leave_one_production_version()
    {
        var store = await NewStoreAsync();

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.AddAsync(Version(1, "pump-rul"), default)));
        await Task.WhenAll(added.Select(m => store.SetStageAsync(1, "pump-rul", m.Version, ModelStage.Production, At, default)));

        Assert.Equal(Enumerable.Range(1, 8), added.Select(m => m.Version).Order());
        Assert.Single(await store.ListAsync(1, default), m => m.Stage == ModelStage.Production);
    }
}

public sealed class SqliteModelRegistryStoreContract : ModelRegistryStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IModelRegistryStore> NewStoreAsync() => new SqliteModelRegistryStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresModelRegistryStoreContract(PostgresServer server) : ModelRegistryStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IModelRegistryStore> NewStoreAsync() => new PostgresModelRegistryStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
