using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteAssetHealthStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Points_come_back_oldest_first_per_asset_and_window_a_minute_written_twice_keeps_the_second()
    {
        var store = new SqliteAssetHealthStore(_temp.Database);
        await store.AppendAsync(1, "pump-1", [new(Start.AddMinutes(2), 80, false, []), new(Start, 95, false, []), new(Start.AddMinutes(1), 40, true, ["a", "b"])],
            CancellationToken.None);
        await store.AppendAsync(1, "pump-2", [new(Start, 10, true, [])], CancellationToken.None);
        await store.AppendAsync(1, "pump-1", [new(Start.AddMinutes(2), 70, true, ["c"])], CancellationToken.None);

        var read = await store.ListAsync(1, "pump-1", Start, Start.AddMinutes(3), CancellationToken.None);
        Assert.Equal([95, 40, 70], read.Select(p => p.Health));
        Assert.Equal(["a", "b"], read[1].Drivers);
        Assert.True(read[2].Abnormal);
        Assert.Equal(Start.AddMinutes(1), read[1].At);

        // The window is [from, to); another tenant sees nothing.
        Assert.Equal([40], (await store.ListAsync(1, "pump-1", Start.AddMinutes(1), Start.AddMinutes(2), CancellationToken.None)).Select(p => p.Health));
        Assert.Empty(await store.ListAsync(2, "pump-1", Start, Start.AddMinutes(3), CancellationToken.None));
    }

    [Fact]
    public async Task Old_points_are_forgotten_and_counted()
    {
        var store = new SqliteAssetHealthStore(_temp.Database);
        await store.AppendAsync(1, "pump-1", [.. Enumerable.Range(0, 10).Select(i => new AssetHealthPoint(Start.AddDays(i), 90, false, []))],
            CancellationToken.None);

        Assert.Equal(4, await store.DeleteBeforeAsync(Start.AddDays(4), CancellationToken.None));
        var left = await store.ListAsync(1, "pump-1", Start, Start.AddDays(30), CancellationToken.None);
        Assert.Equal(Start.AddDays(4), left[0].At);
        Assert.Equal(6, left.Count);
    }
}
