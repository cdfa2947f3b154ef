using System.Data.Common;

using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every maintenance store must do, run against each store (SQLite, and PostgreSQL below): cases saved again
/// replace themselves and list most recently changed first by state and asset, due cases of every tenant oldest first,
/// decisions and work orders newest first with their filters, tenants kept apart.
/// </summary>
public abstract class MaintenanceStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IMaintenanceStore> NewStoreAsync();

    private static MaintenanceCase CaseOf(string assetId, CaseState state, DateTimeOffset updatedAt, long tenant = 1) => new(
        Guid.NewGuid(), tenant, assetId, state, "Bearing wear on " + assetId, AnomalySeverity.High, 0.8, TimeSpan.FromDays(3), At.AddDays(-1), updatedAt,
        null, null, null, Guid.NewGuid(), [Guid.NewGuid(), Guid.NewGuid()], Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_case_saved_again_replaces_itself_and_lists_filter_by_state_and_asset_most_recently_changed_first()
    {
        var store = await NewStoreAsync();
        var (pump, fan, valve, elsewhere) = (CaseOf("pump", CaseState.Open, At.AddMinutes(-3)), CaseOf("fan", CaseState.Approved, At.AddMinutes(-2)),
            CaseOf("valve", CaseState.Scheduled, At.AddMinutes(-1)), CaseOf("pump", CaseState.Open, At, tenant: 2));
        foreach (var c in new[] { pump, fan, valve, elsewhere })
        {
            await store.SaveCaseAsync(c, default);
        }

        var approved = pump with { State = CaseState.Approved, UpdatedAt = At.AddMinutes(1), Escalations = 2 };
        await store.SaveCaseAsync(approved, default);

        var found = await store.FindCaseAsync(1, pump.CaseId, default);
        Assert.Equal((CaseState.Approved, At.AddMinutes(1), 2, pump.AnomalyIds[1], (TimeSpan?)TimeSpan.FromDays(3), pump.PredictionId),
            (found!.State, found.UpdatedAt, found.Escalations, found.AnomalyIds[1], found.RemainingUsefulLife, found.PredictionId));
        Assert.Null(await store.FindCaseAsync(2, pump.CaseId, default));
        Assert.Equal([pump.CaseId, valve.CaseId, fan.CaseId], (await store.ListCasesAsync(1, null, null, 10, default)).Select(c => c.CaseId));
        Assert.Equal([pump.CaseId, fan.CaseId],
            (await store.ListCasesAsync(1, [CaseState.Approved, CaseState.Rejected], null, 10, default)).Select(c => c.CaseId));
        Assert.Equal([pump.CaseId], (await store.ListCasesAsync(1, [CaseState.Approved], "pump", 10, default)).Select(c => c.CaseId));
        Assert.Empty(await store.ListCasesAsync(1, [], null, 10, default));
        Assert.Equal([pump.CaseId, valve.CaseId], (await store.ListCasesAsync(1, null, null, 2, default)).Select(c => c.CaseId));
        Assert.Equal([elsewhere.CaseId], (await store.ListCasesAsync(2, [CaseState.Open], "pump", 10, default)).Select(c => c.CaseId));
    }

    [Fact]
    public async Task Due_cases_of_every_tenant_come_oldest_first_and_leave_once_their_state_no_longer_waits()
    {
        var store = await NewStoreAsync();
        var overdue = CaseOf("pump", CaseState.AwaitingDecision, At) with { DecisionDueAt = At.AddHours(-2) };
        var deferred = CaseOf("fan", CaseState.Deferred, At, tenant: 2) with { DeferredUntil = At.AddHours(-1) };
        var later = CaseOf("valve", CaseState.AwaitingDecision, At) with { DecisionDueAt = At.AddHours(1) };
        var decided = CaseOf("motor", CaseState.AwaitingDecision, At) with { DecisionDueAt = At.AddHours(-3) };
        foreach (var c in new[] { deferred, overdue, later, decided })
        {
            await store.SaveCaseAsync(c, default);
        }

        await store.SaveCaseAsync(decided with { State = CaseState.Approved }, default);

        Assert.Equal([overdue.CaseId, deferred.CaseId], await store.ListDueCasesAsync(At, 10, default));
        Assert.Equal([overdue.CaseId], await store.ListDueCasesAsync(At, 1, default));
        Assert.Equal([overdue.CaseId, deferred.CaseId, later.CaseId], await store.ListDueCasesAsync(At.AddHours(1), 10, default));
    }

    [Fact]
    public async Task Decisions_list_newest_first_per_case_and_one_saved_twice_is_refused()
    {
        var store = await NewStoreAsync();
        var (caseId, otherCase) = (Guid.NewGuid(), Guid.NewGuid());
        var defer = new Decision(Guid.NewGuid(), 1, caseId, DecisionVerdict.Defer, "wait for the shutdown", "user:2:Ana", At, At.AddDays(2), "c1");
        var approve = new Decision(Guid.NewGuid(), 1, caseId, DecisionVerdict.Approve, "worse now", "policy", At.AddDays(2), null, "c1");
        var other = new Decision(Guid.NewGuid(), 1, otherCase, DecisionVerdict.Reject, "sensor fault", "user:1:Admin", At.AddHours(1), null, "c2");
        foreach (var d in new[] { defer, approve, other })
        {
            await store.SaveDecisionAsync(d, default);
        }

        Assert.Equal([approve.DecisionId, other.DecisionId, defer.DecisionId], (await store.ListDecisionsAsync(1, null, 10, default)).Select(d => d.DecisionId));
        var ofCase = await store.ListDecisionsAsync(1, caseId, 10, default);
        Assert.Equal([approve.DecisionId, defer.DecisionId], ofCase.Select(d => d.DecisionId));
        Assert.Equal(defer, ofCase[1]);
        Assert.Empty(await store.ListDecisionsAsync(2, caseId, 10, default));
        await Assert.ThrowsAnyAsync<DbException>(() => store.SaveDecisionAsync(defer, default));
    }

    [Fact]
    public async Task A_work_order_saved_again_takes_its_new_status_and_completion_and_lists_filter_by_status_newest_first()
    {
        var store = await NewStoreAsync();
        static WorkOrder OrderOf(DateTimeOffset createdAt, long tenant = 1) =>
            new(Guid.NewGuid(), tenant, Guid.NewGuid(), "pump", WorkOrderStatus.Planned, ["mechanic", "vibration"], 2, At.AddDays(1), null, createdAt, "c");
        var (first, second, third, elsewhere) = (OrderOf(At.AddHours(-2)), OrderOf(At.AddHours(-1)), OrderOf(At), OrderOf(At, tenant: 2));
        foreach (var w in new[] { first, second, third, elsewhere })
        {
            await store.SaveWorkOrderAsync(w, default);
        }

        var completion = new MaintenanceRecord(MaintenanceOutcome.ProblemFound, "worn bearing", ["bearing 6205"], 95.5, "tech-7", At.AddHours(3));
        await store.SaveWorkOrderAsync(first with { Status = WorkOrderStatus.Completed, AssignedTechnicianId = "tech-7", Completion = completion }, default);

        var found = await store.FindWorkOrderAsync(1, first.WorkOrderId, default);
        Assert.Equal((WorkOrderStatus.Completed, "tech-7", "worn bearing", 95.5, At.AddHours(3)),
            (found!.Status, found.AssignedTechnicianId, found.Completion!.Findings, found.Completion.DurationMinutes, found.Completion.CompletedAt));
        Assert.Equal(["mechanic", "vibration"], found.RequiredSkills);
        Assert.Null(await store.FindWorkOrderAsync(2, first.WorkOrderId, default));
        Assert.Equal([third.WorkOrderId, second.WorkOrderId, first.WorkOrderId], (await store.ListWorkOrdersAsync(1, null, 10, default)).Select(w => w.WorkOrderId));
        Assert.Equal([third.WorkOrderId, second.WorkOrderId],
            (await store.ListWorkOrdersAsync(1, WorkOrderStatus.Planned, 10, default)).Select(w => w.WorkOrderId));
        Assert.Equal([first.WorkOrderId], (await store.ListWorkOrdersAsync(1, WorkOrderStatus.Completed, 1, default)).Select(w => w.WorkOrderId));
        Assert.Equal([elsewhere.WorkOrderId], (await store.ListWorkOrdersAsync(2, null, 10, default)).Select(w => w.WorkOrderId));
    }
}

public sealed class SqliteMaintenanceStoreContract : MaintenanceStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IMaintenanceStore> NewStoreAsync() => Task.FromResult<IMaintenanceStore>(new SqliteMaintenanceStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMaintenanceStoreContract(PostgresServer server) : MaintenanceStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IMaintenanceStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresMaintenanceStore(_database);
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
