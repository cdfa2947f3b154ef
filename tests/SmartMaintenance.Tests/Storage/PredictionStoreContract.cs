using System.Data.Common;

using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every prediction store must do, run against each store (SQLite, and PostgreSQL below): every field read back,
/// newest first per asset, a prediction id saved twice refused, tenants kept apart.
/// </summary>
public abstract class PredictionStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IPredictionStore> NewStoreAsync();

    private static Prediction PredictionOf(string assetId, DateTimeOffset at, long tenant = 1) => new(
        Guid.NewGuid(), tenant, assetId, at, 0.25, TimeSpan.FromHours(36.5), "pump-risk", "3", false,
        new Dictionary<string, double> { ["vibration_rms"] = 0.75, ["temperature_slope"] = -0.125 }, Guid.NewGuid().ToString("N"))
    {
        ExplanationBase = -2.5,
    };

    [Fact]
    public async Task A_prediction_reads_back_field_for_field_in_its_tenant_only()
    {
        var store = await NewStoreAsync();
        var prediction = PredictionOf("pump", At);
        var fallback = PredictionOf("fan", At) with
        {
            RemainingUsefulLife = null,
            IsFallback = true,
            Explanation = new Dictionary<string, double>(),
            ExplanationBase = null,
        };
        await store.SaveAsync(prediction, default);
        await store.SaveAsync(fallback, default);

        var found = await store.FindAsync(1, prediction.PredictionId, default);
        Assert.NotNull(found);
        Assert.Equal((1L, "pump", At, 0.25, (TimeSpan?)TimeSpan.FromHours(36.5), "pump-risk", "3", false, prediction.CorrelationId, (double?)-2.5),
            (found.TenantId, found.AssetId, found.At, found.FailureProbability, found.RemainingUsefulLife, found.ModelName, found.ModelVersion,
                found.IsFallback, found.CorrelationId, found.ExplanationBase));
        Assert.Equal(prediction.Explanation.OrderBy(e => e.Key), found.Explanation.OrderBy(e => e.Key));
        var other = await store.FindAsync(1, fallback.PredictionId, default);
        Assert.Equal(((TimeSpan?)null, true, 0, (double?)null), (other!.RemainingUsefulLife, other.IsFallback, other.Explanation.Count, other.ExplanationBase));
        Assert.Null(await store.FindAsync(2, prediction.PredictionId, default));
        Assert.Null(await store.FindAsync(1, Guid.NewGuid(), default));
    }

    [Fact]
    public async Task Predictions_are_listed_newest_first_per_asset_and_limited()
    {
        var store = await NewStoreAsync();
        var (old, newest, middle, fan, elsewhere) =
            (PredictionOf("pump", At.AddHours(-2)), PredictionOf("pump", At), PredictionOf("pump", At.AddHours(-1)), PredictionOf("fan", At.AddMinutes(-1)),
                PredictionOf("pump", At.AddHours(1), tenant: 2));
        foreach (var prediction in new[] { old, newest, middle, fan, elsewhere })
        {
            await store.SaveAsync(prediction, default);
        }

        Assert.Equal([newest.PredictionId, middle.PredictionId, old.PredictionId], (await store.ListAsync(1, "pump", 10, default)).Select(p => p.PredictionId));
        Assert.Equal([newest.PredictionId, fan.PredictionId], (await store.ListAsync(1, null, 2, default)).Select(p => p.PredictionId));
        Assert.Equal([elsewhere.PredictionId], (await store.ListAsync(2, null, 10, default)).Select(p => p.PredictionId));
    }

    [Fact]
    public async Task A_prediction_saved_twice_is_refused_and_the_first_is_kept()
    {
        var store = await NewStoreAsync();
        var prediction = PredictionOf("pump", At);
        await store.SaveAsync(prediction, default);

        await Assert.ThrowsAnyAsync<DbException>(() => store.SaveAsync(prediction with { FailureProbability = 0.9 }, default));
        Assert.Equal(0.25, (await store.FindAsync(1, prediction.PredictionId, default))!.FailureProbability);
    }
}

public sealed class SqlitePredictionStoreContract : PredictionStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IPredictionStore> NewStoreAsync() => Task.FromResult<IPredictionStore>(new SqlitePredictionStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPredictionStoreContract(PostgresServer server) : PredictionStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IPredictionStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresPredictionStore(_database);
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
