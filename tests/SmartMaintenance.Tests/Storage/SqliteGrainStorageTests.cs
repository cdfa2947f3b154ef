using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly GrainId _grain = GrainId.Create("case", Guid.NewGuid().ToString("N"));

    public void Dispose() => _temp.Dispose();

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
        var storage = new SqliteGrainStorage(_temp.Database);
        var written = new Slot<Counter> { State = new Counter(3, "three") };
        await storage.WriteStateAsync("case", _grain, written);

        var read = new Slot<Counter>();
        await new SqliteGrainStorage(_temp.Database).ReadStateAsync("case", _grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(new Counter(3, "three"), read.State);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task An_asset_health_model_survives_the_round_trip_and_judges_the_same()
    {
        var random = new Random(8);
        var rows = Enumerable.Range(0, 200).Select(i => new[] { Math.Sin(i / 9.0), (2 * Math.Sin(i / 9.0)) + (0.05 * random.NextDouble()), 4.0 }).ToList();
        var model = SmartMaintenance.Detection.Multivariate.AssetHealthModel.Fit(rows);
        var grain = GrainId.Create("assetagent", "1/pump-1");
        await new SqliteGrainStorage(_temp.Database).WriteStateAsync("health", grain,
            new Slot<SmartMaintenance.Agents.Predictions.AssetHealthState> { State = new([1, 2, 3], model, 12345) });

        var read = new Slot<SmartMaintenance.Agents.Predictions.AssetHealthState>();
        await new SqliteGrainStorage(_temp.Database).ReadStateAsync("health", grain, read);

        Assert.Equal([1L, 2, 3], read.State.SensorKeys);
        Assert.Equal(12345, read.State.WatermarkMicros);
        var (before, after) = (new SmartMaintenance.Detection.Multivariate.AssetHealthDetector(model),
            new SmartMaintenance.Detection.Multivariate.AssetHealthDetector(read.State.Model!));
        Assert.All(rows.Take(50).Select(r => r.ToArray()).Append([0.5, 3.0, 4.0]), r => Assert.Equal(before.Update(r), after.Update(r)));
    }

    [Fact]
    public async Task A_write_based_on_a_stale_read_is_refused()
    {
        var storage = new SqliteGrainStorage(_temp.Database);
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
        var storage = new SqliteGrainStorage(_temp.Database);
        var state = new Slot<Counter> { State = new Counter(1, "a") };
        await storage.WriteStateAsync("case", _grain, state);
        await storage.ClearStateAsync("case", _grain, state);
        var read = new Slot<Counter>();
        await storage.ReadStateAsync("case", _grain, read);
        Assert.False(read.RecordExists);
    }
}
