using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Maintenance;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every audit trail must do, run against each store (SQLite, and PostgreSQL below): entries chained and listed in
/// order, tenants kept apart, and an altered, removed or truncated entry named by verification.
/// </summary>
public abstract class EventLogContract : IAsyncLifetime
{
    // Between two microseconds: the trail keeps (and hashes) whole microseconds.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 26, 8, 0, 0, 123, 456, TimeSpan.Zero).AddTicks(7);

    private IEventLog _log = null!;

    /// <summary>
    /// A log on this test's database (empty and migrated at the first call); each further call is another process or
    /// node opening the same database.
    /// </summary>
    protected abstract Task<IEventLog> OpenLogAsync(TimeProvider time);

    /// <summary>Runs a statement on the database directly, as someone tampering with the trail would.</summary>
    protected abstract Task ExecuteAsync(string sql);

    public async Task InitializeAsync() => _log = await OpenLogAsync(new FakeTimeProvider(Now));

    public abstract Task DisposeAsync();

    private static AuditEvent Event(int n, long tenant = 1, string correlation = "c1") =>
        new(tenant, "Something", correlation, "agent:Test", $$"""{"n":{{n}}}""");

    private async Task AppendAsync(int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await _log.AppendAsync([Event(n, correlation: n % 2 == 0 ? "even" : "odd")], default);
        }
    }

    [Fact]
    public async Task The_latest_entries_of_some_types_come_newest_first_for_one_tenant_only()
    {
        await _log.AppendAsync([
            new(1, "A", "c", "x", "{}"), new(1, "B", "c", "x", "{}"), new(2, "A", "c", "x", "{}"), new(1, "C", "c", "x", "{}"),
            new(1, "A", "c", "x", "{}"), new(1, "B", "c", "x", "{}"),
        ], default);

        var latest = await _log.ListLatestAsync(1, ["A", "B"], 3, default);
        Assert.Equal([6L, 5, 2], latest.Select(e => e.Sequence));
        Assert.Equal(["B", "A", "B"], latest.Select(e => e.Type));
        Assert.Equal([3L], (await _log.ListLatestAsync(2, ["A", "B"], 3, default)).Select(e => e.Sequence));
        Assert.Empty(await _log.ListLatestAsync(1, [], 3, default));
    }

    [Fact]
    public async Task Appended_entries_chain_each_to_the_one_before_and_verify()
    {
        await AppendAsync(5);
        var entries = await _log.ListAsync(1, null, 0, 100, default);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        }

        Assert.Equal(new AuditVerification(true, 5, null, null), await _log.VerifyAsync(null, default));
    }

    [Fact]
    public async Task Entries_come_back_as_appended_with_the_hash_the_audit_chain_defines()
    {
        var appended = await _log.AppendAsync([Event(1), Event(2, tenant: 2, correlation: "c2")], default);
        var stored = (await _log.ListAsync(1, null, 0, 10, default)).Concat(await _log.ListAsync(2, null, 0, 10, default));

        Assert.Equal(appended, stored);
        Assert.Equal(Now.AddTicks(-(Now.Ticks % 10)), appended[0].At);
        Assert.Equal(AuditChain.Hash(1, UnixMicros.From(Now), Event(1), AuditChain.Genesis), appended[0].Hash);
        Assert.Equal(AuditChain.Hash(2, UnixMicros.From(Now), Event(2, tenant: 2, correlation: "c2"), appended[0].Hash), appended[1].Hash);
    }

    [Fact]
    public async Task Listing_by_correlation_id_returns_only_that_story_and_only_the_tenants()
    {
        await AppendAsync(6);
        await _log.AppendAsync([Event(7, tenant: 2, correlation: "even")], default);
        var even = await _log.ListAsync(1, "even", 0, 100, default);
        Assert.Equal([2L, 4, 6], even.Select(e => e.Sequence));
        Assert.Equal([7L], (await _log.ListAsync(2, "even", 0, 100, default)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_tenants_check_counts_its_own_entries_and_does_not_describe_another_tenants()
    {
        await AppendAsync(3);
        await _log.AppendAsync([Event(4, tenant: 2), Event(5, tenant: 2)], default);

        Assert.Equal(new AuditVerification(true, 3, null, null), await _log.VerifyAsync(1, default));
        Assert.Equal(new AuditVerification(true, 2, null, null), await _log.VerifyAsync(2, default));

        await ExecuteAsync("""UPDATE audit_events SET payload = '{"n":99}' WHERE seq = 4""");
        var tenant = await _log.VerifyAsync(1, default);
        Assert.Equal((false, 3L, (long?)null), (tenant.Valid, tenant.Checked, tenant.BrokenSequence));
        Assert.Contains("outside this tenant", tenant.Problem);
        Assert.Equal(4, (await _log.VerifyAsync(2, default)).BrokenSequence);
        Assert.Equal(4, (await _log.VerifyAsync(null, default)).BrokenSequence);
    }

    [Fact]
    public async Task An_altered_entry_is_named_by_verification()
    {
        await AppendAsync(5);
        await ExecuteAsync("""UPDATE audit_events SET payload = '{"n":99}' WHERE seq = 3""");
        var result = await _log.VerifyAsync(null, default);
        Assert.False(result.Valid);
        Assert.Equal(3, result.BrokenSequence);
        Assert.Contains("altered", result.Problem);
    }

    [Fact]
    public async Task A_removed_entry_is_named_by_the_entry_after_it()
    {
        await AppendAsync(5);
        await ExecuteAsync("DELETE FROM audit_events WHERE seq = 2");
        var result = await _log.VerifyAsync(null, default);
        Assert.False(result.Valid);
        Assert.Equal(3, result.BrokenSequence);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public async Task Entries_removed_from_the_end_are_detected_by_the_head()
    {
        await AppendAsync(5);
        await ExecuteAsync("DELETE FROM audit_events WHERE seq >= 4");
        var result = await _log.VerifyAsync(null, default);
        Assert.False(result.Valid);
        Assert.Equal(4, result.BrokenSequence);
        Assert.Contains("removed from the end", result.Problem);
    }

    [Fact]
    public async Task Appends_after_a_restart_continue_the_chain()
    {
        await AppendAsync(2);
        var reopened = await OpenLogAsync(TimeProvider.System);
        var next = await reopened.AppendAsync([Event(3)], default);
        Assert.Equal(3, next[0].Sequence);
        Assert.True((await reopened.VerifyAsync(null, default)).Valid);
    }
}

public sealed class SqliteEventLogContract : EventLogContract
{
    private readonly TempDatabase _temp = new();
    private bool _opened;

    protected override Task<IEventLog> OpenLogAsync(TimeProvider time)
    {
        if (_opened)
        {
            SqliteConnection.ClearAllPools();
        }

        _opened = true;
        return Task.FromResult<IEventLog>(new SqliteEventLog(_temp.Database, time));
    }

    protected override Task ExecuteAsync(string sql)
    {
        using var connection = _temp.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_users_read_mark_only_moves_forward()
    {
        var users = new SqliteUserStore(_temp.Database);
        var user = (await users.CreateAsync(new UserAccount(0, 1, "vera", "Vera", SmartMaintenance.Security.Role.Viewer, DateTimeOffset.UnixEpoch, null), "hash", default))!;
        Assert.Equal(0, await users.NotificationsReadUpToAsync(user.Id, default));

        await users.MarkNotificationsReadAsync(user.Id, 42, default);
        await users.MarkNotificationsReadAsync(user.Id, 7, default);

        Assert.Equal(42, await users.NotificationsReadUpToAsync(user.Id, default));
        Assert.Equal(0, await users.NotificationsReadUpToAsync(user.Id + 100, default));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventLogContract(PostgresServer server) : EventLogContract
{
    private readonly List<PostgresDatabase> _nodes = [];
    private string? _connectionString;

    protected override async Task<IEventLog> OpenLogAsync(TimeProvider time)
    {
        _connectionString ??= await server.CreateDatabaseAsync();
        var node = new PostgresDatabase(_connectionString, NullLogger<PostgresDatabase>.Instance);
        _nodes.Add(node);
        await node.MigrateAsync();
        return new PostgresEventLog(node, time);
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = await _nodes[0].OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Nodes_appending_at_once_form_one_valid_chain_holding_every_entry_once()
    {
        var nodes = new List<IEventLog>();
        for (var n = 0; n < 3; n++)
        {
            nodes.Add(await OpenLogAsync(TimeProvider.System));
        }

        // Each node appends 20 batches of one to three events, all nodes at once.
        var returned = await Task.WhenAll(nodes.Select(async (log, n) =>
        {
            var entries = new List<AuditEntry>();
            for (var i = 0; i < 20; i++)
            {
                entries.AddRange(await log.AppendAsync(
                    [.. Enumerable.Range(0, 1 + (i % 3)).Select(k => new AuditEvent(1, "Something", $"node-{n}", "agent:Test", $$"""{"i":{{i}},"k":{{k}}}"""))],
                    default));
            }

            return entries;
        }));

        var stored = await nodes[0].ListAsync(1, null, 0, 1000, default);
        Assert.Equal(Enumerable.Range(1, 3 * 39).Select(s => (long)s), stored.Select(e => e.Sequence));
        Assert.Equal(returned.SelectMany(e => e).OrderBy(e => e.Sequence), stored);
        Assert.Equal(3 * 39, stored.Select(e => (e.CorrelationId, e.Payload)).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 3 * 39, null, null), await nodes[2].VerifyAsync(null, default));
    }
}
