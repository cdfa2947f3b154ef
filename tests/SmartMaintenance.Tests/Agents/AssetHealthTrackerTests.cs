using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Agents.Predictions;
using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;
using SmartMaintenance.Tests.Storage;

namespace SmartMaintenance.Tests.Agents;

/// <summary>The asset agent's health tracking over a real SQLite store's per-minute roll-ups.</summary>
public sealed class AssetHealthTrackerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly TempReadingStore _readings = new();

    private static readonly Sensor[] Sensors =
    [
        Sensor(1, "pump-flow"), Sensor(2, "pump-current"), Sensor(3, "pump-temp"),
    ];

    private SqliteReadingStore _store => _readings.Store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _readings.DisposeAsync();

    private static Sensor Sensor(long key, string id) => new(key, 1, id, "pump-1", "generic", "", null, null, 60, false, Start);

    /// <summary>A reading a minute for each sensor: current = 2 × flow, temp = flow + 5; current off by 0.8 from <paramref name="breakAt"/>.</summary>
    private async Task WriteMinutesAsync(int from, int to, int breakAt)
    {
        var random = new Random(from);
        var batch = new List<Reading>();
        for (var i = from; i < to; i++)
        {
            var at = UnixMicros.From(Start.AddMinutes(i)) + 1_000_000;
            var flow = Math.Sin(i / 60.0);
            batch.Add(new Reading(1, at, flow + (0.01 * random.NextDouble()), ReadingQuality.Good));
            batch.Add(new Reading(2, at, (2 * flow) + (i >= breakAt ? 0.8 : 0) + (0.01 * random.NextDouble()), ReadingQuality.Good));
            batch.Add(new Reading(3, at, flow + 5 + (0.01 * random.NextDouble()), ReadingQuality.Good));
        }

        await _store.AppendAsync(1, batch.ToArray(), new bool[batch.Count], default);
    }

    [Fact]
    public async Task It_learns_the_first_minutes_then_judges_each_complete_minute_and_names_the_sensor_that_broke()
    {
        await WriteMinutesAsync(0, 840, breakAt: 780);
        var tracker = new AssetHealthTracker();

        var fitted = await tracker.RefreshAsync(_store, Sensors, Start.AddMinutes(840), default);

        Assert.True(fitted);
        var report = tracker.Latest!;
        Assert.False(report.Learning);
        Assert.Equal(AssetHealthTracker.TrainingMinutes, report.RowsLearned);
        Assert.True(report.Abnormal, $"{report}");
        Assert.InRange(report.Health!.Value, 0, 49);
        Assert.Equal("pump-current", report.Drivers[0].SensorId);

        // Every minute judged after the learned ones is a point of the asset's history, each at its minute; the newest
        // names what drove it, and the minutes after the break are the abnormal ones.
        var judged = tracker.Judged;
        Assert.Equal(840 - AssetHealthTracker.TrainingMinutes, judged.Count);
        Assert.Equal(Start.AddMinutes(AssetHealthTracker.TrainingMinutes), judged[0].At);
        Assert.Equal(Start.AddMinutes(839), judged[^1].At);
        Assert.Equal(report.Health, judged[^1].Health);
        Assert.Equal("pump-current", judged[^1].Drivers[0]);
        Assert.True(judged.Take(780 - AssetHealthTracker.TrainingMinutes).Average(p => p.Health) > judged.Skip(790 - AssetHealthTracker.TrainingMinutes).Average(p => p.Health));

        // A refresh with nothing new to read adds nothing to the history.
        await tracker.RefreshAsync(_store, Sensors, Start.AddMinutes(840), default);
        Assert.Empty(tracker.Judged);
    }

    [Fact]
    public async Task While_it_learns_it_says_so_and_gives_no_health()
    {
        await WriteMinutesAsync(0, 300, breakAt: int.MaxValue);
        var tracker = new AssetHealthTracker();

        Assert.False(await tracker.RefreshAsync(_store, Sensors, Start.AddMinutes(300), default));

        Assert.Equal(new { Learning = true, Health = (int?)null, RowsLearned = 300 },
            new { tracker.Latest!.Learning, tracker.Latest.Health, tracker.Latest.RowsLearned });
        Assert.Null((await RefreshedAsync(new AssetHealthTracker(), Sensors[..1], 300)).Latest);
    }

    [Fact]
    public async Task A_restored_tracker_keeps_its_model_and_reads_on_from_where_it_stopped()
    {
        await WriteMinutesAsync(0, 760, breakAt: int.MaxValue);
        var first = await RefreshedAsync(new AssetHealthTracker(), Sensors, 760);
        Assert.False(first.Latest!.Abnormal);
        await WriteMinutesAsync(760, 800, breakAt: 770);

        var restored = new AssetHealthTracker();
        restored.Restore(first.Snapshot());
        Assert.False(await restored.RefreshAsync(_store, Sensors, Start.AddMinutes(800), default));

        Assert.False(restored.Latest!.Learning);
        Assert.True(restored.Latest.Abnormal);
        Assert.Equal(first.Snapshot().Model, restored.Snapshot().Model);
    }

    [Fact]
    public async Task A_model_an_earlier_version_wrote_without_residual_models_is_learned_again()
    {
        await WriteMinutesAsync(0, 760, breakAt: int.MaxValue);
        var first = await RefreshedAsync(new AssetHealthTracker(), Sensors, 760);
        var earlier = first.Snapshot() with { Model = first.Snapshot().Model! with { Residuals = null } };

        var restored = new AssetHealthTracker();
        restored.Restore(earlier);

        Assert.True(await restored.RefreshAsync(_store, Sensors, Start.AddMinutes(760), default));
        Assert.NotNull(restored.Snapshot().Model?.Residuals);
    }

    private async Task<AssetHealthTracker> RefreshedAsync(AssetHealthTracker tracker, IReadOnlyList<Sensor> sensors, int minutes)
    {
        await tracker.RefreshAsync(_store, sensors, Start.AddMinutes(minutes), default);
        return tracker;
    }
}
