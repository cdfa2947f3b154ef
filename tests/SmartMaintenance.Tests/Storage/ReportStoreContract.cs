using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every report store must do, run against each store (SQLite, and PostgreSQL below): the body read back byte for
/// byte (its hash is stored beside it), newest first per subject, a report id saved twice refused, tenants kept apart.
/// </summary>
public abstract class ReportStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A store on an empty, migrated database.</summary>
    protected abstract Task<IReportStore> NewStoreAsync();

    private static Report ReportOf(string subject, DateTimeOffset at, long tenant = 1, string body = "{}") =>
        new(Guid.NewGuid(), tenant, "case-closing", subject, at, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), body);

    [Fact]
    public async Task A_report_reads_back_byte_for_byte_in_its_tenant_only()
    {
        var store = await NewStoreAsync();
        var report = ReportOf("case-1", At, body: "{ \"title\": \"Bomba — vibração\",\r\n  \"values\": [1.0, 2e-5] }  \n");
        await store.SaveAsync(report, default);

        Assert.Equal(report, await store.FindAsync(1, report.ReportId, default));
        Assert.Null(await store.FindAsync(2, report.ReportId, default));
        Assert.Null(await store.FindAsync(1, Guid.NewGuid(), default));
    }

    [Fact]
    public async Task Reports_are_listed_newest_first_per_subject_and_limited()
    {
        var store = await NewStoreAsync();
        var (old, newest, other, elsewhere) =
            (ReportOf("case-1", At.AddDays(-1)), ReportOf("case-1", At), ReportOf("case-2", At.AddHours(-1)), ReportOf("case-1", At, tenant: 2));
        foreach (var report in new[] { old, newest, other, elsewhere })
        {
            await store.SaveAsync(report, default);
        }

        Assert.Equal([newest.ReportId, old.ReportId], (await store.ListAsync(1, "case-1", 10, default)).Select(r => r.ReportId));
        Assert.Equal([newest.ReportId, other.ReportId], (await store.ListAsync(1, null, 2, default)).Select(r => r.ReportId));
        Assert.Equal([elsewhere.ReportId], (await store.ListAsync(2, null, 10, default)).Select(r => r.ReportId));
    }

    [Fact]
    public async Task A_report_saved_twice_is_refused_and_the_first_is_kept()
    {
        var store = await NewStoreAsync();
        var report = ReportOf("case-1", At);
        await store.SaveAsync(report, default);

        await Assert.ThrowsAnyAsync<DbException>(() => store.SaveAsync(report with { Body = "changed" }, default));
        Assert.Equal("{}", (await store.FindAsync(1, report.ReportId, default))!.Body);
    }
}

public sealed class SqliteReportStoreContract : ReportStoreContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<IReportStore> NewStoreAsync() => Task.FromResult<IReportStore>(new SqliteReportStore(_temp.Database));

    public void Dispose() => _temp.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReportStoreContract(PostgresServer server) : ReportStoreContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<IReportStore> NewStoreAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return new PostgresReportStore(_database);
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
