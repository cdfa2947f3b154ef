using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every grain storage must do, run against SQLite and PostgreSQL: states round-trip as the same JSON, stale writes fail.</summary>
public abstract class GrainStorageContract
{
    private readonly GrainId _grain = GrainId.Create("case", Guid.NewGuid().ToString("N"));

    /// <summary>A storage on the test's database (migrated and empty at the first call; the same database after).</summary>
    protected abstract Task<IGrainStorage> StorageAsync();

    /// <summary>Stores a row as an earlier build wrote it.</summary>
    protected abstract Task InsertRowAsync(GrainId grain, string stateName, string etag, string payload);

    /// <summary>The stored payloads of a state name.</summary>
    protected abstract Task<IReadOnlyList<string>> PayloadsAsync(string stateName);

    public sealed record Counter(int Value, string Note);

    private sealed class Slot<T> : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = default!;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    [Fact]
    public async Task State_written_is_read_back_after_a_restart()
    {
        var storage = await StorageAsync();
        var written = new Slot<Counter> { State = new Counter(3, "three") };
        await storage.WriteStateAsync("case", _grain, written);

        var read = new Slot<Counter>();
        await (await StorageAsync()).ReadStateAsync("case", _grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(new Counter(3, "three"), read.State);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_case_saved_by_the_earlier_mutable_state_class_reads_back_into_the_record_and_is_written_the_same()
    {
        // A row as the mutable CaseGrainState class wrote it (taken from a demo run's database).
        const string saved = """
            {"Case":{"CaseId":"3e83c099-b581-432b-95f8-4ac0e0c1d163","TenantId":1,"AssetId":"porto-pump-1","State":1,"Title":"Critical anomaly on porto-pump-1-pressure","Severity":3,"FailureProbability":0.3411901594109478,"RemainingUsefulLife":"3.23:13:07.9811697","OpenedAt":"2026-12-06T21:46:43.8049033+00:00","UpdatedAt":"2026-12-06T21:46:44.1950253+00:00","DecisionDueAt":"2026-12-07T01:46:43.8049033+00:00","DeferredUntil":null,"WorkOrderId":null,"PredictionId":"3250a61e-380b-4349-ada6-18fbb248490d","AnomalyIds":["cc9eb549-a878-48a5-8d98-a688cdbc9af0","83d308c6-44a6-4273-a424-03032e2ef9ad","952a1a5c-0a71-4e58-8699-2d256e87dcf9"],"CorrelationId":"a4a3d50672b04bdc8401efc065968234","Escalations":0,"DueAt":"2026-12-07T01:46:43.8049033+00:00"}}
            """;
        var grain = GrainId.Create("maintenancecaseagent", "3e83c099b581432b95f84ac0e0c1d163");
        await InsertRowAsync(grain, "case", "e1", saved);

        var storage = await StorageAsync();
        var read = new Slot<SmartMaintenance.Agents.Orchestrator.CaseGrainState>();
        await storage.ReadStateAsync("case", grain, read);
        var found = read.State.Case!;
        Assert.Equal(SmartMaintenance.Domain.CaseState.AwaitingDecision, found.State);
        Assert.Equal(3, found.AnomalyIds.Count);
        Assert.Equal(new TimeSpan(3, 23, 13, 7) + TimeSpan.FromTicks(9811697), found.RemainingUsefulLife);
        Assert.Equal(found.DecisionDueAt, found.DueAt);

        // Written back unchanged, the row is the same JSON the old class wrote.
        await storage.WriteStateAsync("case", grain, read);
        Assert.Equal(saved, Assert.Single(await PayloadsAsync("case")));
    }

    [Fact]
    public async Task An_asset_health_model_survives_the_round_trip_and_judges_the_same()
    {
        var random = new Random(8);
        var rows = Enumerable.Range(0, 200).Select(i => new[] { Math.Sin(i / 9.0), (2 * Math.Sin(i / 9.0)) + (0.05 * random.NextDouble()), 4.0 }).ToList();
        var model = SmartMaintenance.Detection.Multivariate.AssetHealthModel.Fit(rows);
        var grain = GrainId.Create("assetagent", "1/pump-1");
        await (await StorageAsync()).WriteStateAsync("health", grain,
            new Slot<SmartMaintenance.Agents.Predictions.AssetHealthState> { State = new([1, 2, 3], model, 12345) });

        var read = new Slot<SmartMaintenance.Agents.Predictions.AssetHealthState>();
        await (await StorageAsync()).ReadStateAsync("health", grain, read);

        Assert.Equal([1L, 2, 3], read.State.SensorKeys);
        Assert.Equal(12345, read.State.WatermarkMicros);
        var (before, after) = (new SmartMaintenance.Detection.Multivariate.AssetHealthDetector(model),
            new SmartMaintenance.Detection.Multivariate.AssetHealthDetector(read.State.Model!));
        Assert.All(rows.Take(50).Select(r => r.ToArray()).Append([0.5, 3.0, 4.0]), r => Assert.Equal(before.Update(r), after.Update(r)));
    }

    [Fact]
    public async Task A_write_based_on_a_stale_read_is_refused()
    {
        var storage = await StorageAsync();
        var first = new Slot<Counter> { State = new Counter(1, "a") };
        await storage.WriteStateAsync("case", _grain, first);
        var stale = new Slot<Counter>();
        await storage.ReadStateAsync("case", _grain, stale);

        first.State = new Counter(2, "b");
        await storage.WriteStateAsync("case", _grain, first);
        stale.State = new Counter(99, "lost update");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("case", _grain, stale));

        var read = new Slot<Counter>();
        await storage.ReadStateAsync("case", _grain, read);
        Assert.Equal(new Counter(2, "b"), read.State);
    }

    [Fact]
    public async Task Cleared_state_no_longer_exists()
    {
        var storage = await StorageAsync();
        var state = new Slot<Counter> { State = new Counter(1, "a") };
        await storage.WriteStateAsync("case", _grain, state);
        await storage.ClearStateAsync("case", _grain, state);
        var read = new Slot<Counter>();
        await storage.ReadStateAsync("case", _grain, read);
        Assert.False(read.RecordExists);
    }
}

public sealed class SqliteGrainStorageContract : GrainStorageContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IGrainStorage> StorageAsync() => Task.FromResult<IGrainStorage>(new SqliteGrainStorage(_temp.Database));

    protected override async Task InsertRowAsync(GrainId grain, string stateName, string etag, string payload)
    {
        await using var connection = await _temp.Database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO grain_state (grain_type, grain_id, state_name, etag, payload) VALUES ($type, $id, $name, $etag, $payload)",
            CancellationToken.None, ("$type", grain.Type.ToString()), ("$id", grain.Key.ToString()), ("$name", stateName), ("$etag", etag), ("$payload", payload));
    }

    protected override async Task<IReadOnlyList<string>> PayloadsAsync(string stateName)
    {
        await using var connection = await _temp.Database.OpenAsync();
        return await connection.ListAsync("SELECT payload FROM grain_state WHERE state_name = $name", r => r.GetString(0), CancellationToken.None,
            ("$name", stateName));
    }

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageContract(PostgresServer server) : GrainStorageContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IGrainStorage> StorageAsync() => new PostgresGrainStorage(await DatabaseAsync());

    protected override async Task InsertRowAsync(GrainId grain, string stateName, string etag, string payload)
    {
        await using var connection = await (await DatabaseAsync()).OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "INSERT INTO grain_state (grain_type, grain_id, state_name, etag, payload) VALUES ($1, $2, $3, $4, $5)", connection)
        {
            Parameters = { new() { Value = grain.Type.ToString() }, new() { Value = grain.Key.ToString() }, new() { Value = stateName }, new() { Value = etag }, new() { Value = payload } },
        };
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<IReadOnlyList<string>> PayloadsAsync(string stateName)
    {
        await using var connection = await (await DatabaseAsync()).OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT payload FROM grain_state WHERE state_name = $1", connection) { Parameters = { new() { Value = stateName } } };
        await using var reader = await command.ExecuteReaderAsync();
        var payloads = new List<string>();
        while (await reader.ReadAsync())
        {
            payloads.Add(reader.GetString(0));
        }

        return payloads;
    }

    private async Task<PostgresDatabase> DatabaseAsync()
    {
        if (_database is null)
        {
            _database = new PostgresDatabase(await server.CreateDatabaseAsync(), Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresDatabase>.Instance);
            await _database.MigrateAsync();
        }

        return _database;
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
