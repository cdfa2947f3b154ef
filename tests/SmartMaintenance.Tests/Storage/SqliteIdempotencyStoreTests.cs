using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteIdempotencyStoreTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _temp = new();
    private readonly SqliteIdempotencyStore _store;

    public SqliteIdempotencyStoreTests() => _store = new SqliteIdempotencyStore(_temp.Database);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Responses_are_kept_per_tenant_and_pruned_by_age()
    {
        await _store.SaveAsync(1, "old", new IdempotentResponse("h1", 200, "{}"), Day.AddHours(-30), default);
        await _store.SaveAsync(1, "new", new IdempotentResponse("h2", 422, "{\"x\":1}"), Day.AddHours(-1), default);
        await _store.SaveAsync(1, "new", new IdempotentResponse("h3", 200, "ignored"), Day, default);

        Assert.Null(await _store.FindAsync(2, "new", default));
        Assert.Equal(new IdempotentResponse("h2", 422, "{\"x\":1}"), await _store.FindAsync(1, "new", default));
        Assert.Equal(1, await _store.PruneAsync(Day.AddHours(-24), default));
        Assert.Null(await _store.FindAsync(1, "old", default));
        Assert.NotNull(await _store.FindAsync(1, "new", default));
    }
}
