using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>What every alarm rule store must do, run against SQLite and PostgreSQL (tenants 1 and 2 exist).</summary>
public abstract class AlarmRuleStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    protected abstract Task<IAlarmRuleStore> NewStoreAsync();

    private static AlarmRule Rule(long tenant, AlarmRuleScope scope, string target, double? high = 90) =>
        new(tenant, scope, target, high, null, 2.5, TimeSpan.FromSeconds(90), null, "alice", At);

    [Fact]
    public async Task Setting_a_rule_again_replaces_it_and_the_list_shows_sensor_types_first_each_kind_by_target()
    {
        var store = await NewStoreAsync();
        await store.SetAsync(Rule(1, AlarmRuleScope.Sensor, "pump-temp"), default);
        await store.SetAsync(Rule(1, AlarmRuleScope.SensorType, "temperature"), default);
        await store.SetAsync(Rule(1, AlarmRuleScope.Sensor, "fan-speed"), default);
        await store.SetAsync(Rule(1, AlarmRuleScope.SensorType, "pressure"), default);
        await store.SetAsync(Rule(2, AlarmRuleScope.Sensor, "pump-temp"), default);
        var replaced = new AlarmRule(1, AlarmRuleScope.Sensor, "pump-temp", null, -5, 0, TimeSpan.FromMinutes(5), 12.5, "bob", At.AddHours(1));
        await store.SetAsync(replaced, default);

        var rules = await store.ListAsync(1, default);
        Assert.Equal(["pressure", "temperature", "fan-speed", "pump-temp"], rules.Select(r => r.Target));
        Assert.Equal(Rule(1, AlarmRuleScope.SensorType, "pressure"), rules[0]);
        Assert.Equal(replaced, rules[3]);
        Assert.Equal([Rule(2, AlarmRuleScope.Sensor, "pump-temp")], await store.ListAsync(2, default));
    }

    [Fact]
    public async Task Deleting_answers_whether_the_rule_existed_and_leaves_the_other_scope_alone()
    {
        var store = await NewStoreAsync();
        await store.SetAsync(Rule(1, AlarmRuleScope.Sensor, "temperature"), default);
        await store.SetAsync(Rule(1, AlarmRuleScope.SensorType, "temperature"), default);

        Assert.False(await store.DeleteAsync(2, AlarmRuleScope.Sensor, "temperature", default));
        Assert.True(await store.DeleteAsync(1, AlarmRuleScope.Sensor, "temperature", default));
        Assert.False(await store.DeleteAsync(1, AlarmRuleScope.Sensor, "temperature", default));
        Assert.Equal([AlarmRuleScope.SensorType], (await store.ListAsync(1, default)).Select(r => r.Scope));
    }
}

public sealed class SqliteAlarmRuleStoreContract : AlarmRuleStoreContract, IDisposable
{
    private readonly SqliteTwoTenants _database = new();

    protected override async Task<IAlarmRuleStore> NewStoreAsync() => new SqliteAlarmRuleStore(await _database.OpenAsync());

    public void Dispose() => _database.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlarmRuleStoreContract(PostgresServer server) : AlarmRuleStoreContract, IAsyncLifetime
{
    private readonly PostgresTwoTenants _database = new(server);

    protected override async Task<IAlarmRuleStore> NewStoreAsync() => new PostgresAlarmRuleStore(await _database.OpenAsync());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();
}
