using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

/// <summary>
/// What every label and anomaly note store must do, run against each store (SQLite, and PostgreSQL below): a later
/// label replaces an earlier one, notes kept in order, the first acknowledgement found in one query, tenants kept apart.
/// </summary>
public abstract class AnomalyReviewContract
{
    protected static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A label store and a note store on the same empty, migrated database.</summary>
    protected abstract Task<(ILabelStore Labels, IAnomalyNoteStore Notes)> NewStoresAsync();

    [Fact]
    public async Task Labels_from_maintenance_and_from_review_are_kept_and_a_later_one_replaces_the_earlier()
    {
        var (labels, _) = await NewStoresAsync();
        var (byWork, byReview) = (Guid.NewGuid(), Guid.NewGuid());
        var workOrder = Guid.NewGuid();

        await labels.SaveAsync([
            new AnomalyLabel(byWork, 1, AnomalyOutcome.TrueAlarm, workOrder, At),
            new AnomalyLabel(byReview, 1, AnomalyOutcome.TrueAlarm, workOrder, At),
        ], default);
        await labels.SaveAsync([new AnomalyLabel(byReview, 1, AnomalyOutcome.FalseAlarm, null, At.AddHours(1), "user:2:Ana", "sensor knocked")], default);

        Assert.Equal(new AnomalyLabel(byWork, 1, AnomalyOutcome.TrueAlarm, workOrder, At), await labels.FindAsync(1, byWork, default));
        Assert.Equal(new AnomalyLabel(byReview, 1, AnomalyOutcome.FalseAlarm, null, At.AddHours(1), "user:2:Ana", "sensor knocked"),
            await labels.FindAsync(1, byReview, default));
        Assert.Null(await labels.FindAsync(2, byReview, default));
        Assert.Equal([byReview, byWork], (await labels.ListAsync(1, 10, default)).Select(l => l.AnomalyId));
    }

    [Fact]
    public async Task Notes_are_kept_in_order_and_the_first_acknowledgement_of_each_anomaly_is_found_in_one_query()
    {
        var (_, notes) = await NewStoresAsync();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var first = await notes.AddAsync(1, new AnomalyNote(0, a, AnomalyNoteKind.Acknowledged, "user:1:Admin", null, At), default);
        await notes.AddAsync(1, new AnomalyNote(0, a, AnomalyNoteKind.Comment, "user:2:Ana", "valve replaced", At.AddMinutes(1)), default);
        await notes.AddAsync(1, new AnomalyNote(0, a, AnomalyNoteKind.Acknowledged, "user:2:Ana", null, At.AddMinutes(2)), default);
        await notes.AddAsync(1, new AnomalyNote(0, b, AnomalyNoteKind.Comment, "user:2:Ana", "looks fine", At), default);

        Assert.True(first.Id > 0);
        Assert.Equal([AnomalyNoteKind.Acknowledged, AnomalyNoteKind.Comment, AnomalyNoteKind.Acknowledged],
            (await notes.ListAsync(1, a, default)).Select(n => n.Kind));
        var acknowledged = await notes.AcknowledgementsAsync(1, [a, b, c], default);
        Assert.Equal(first, Assert.Single(acknowledged).Value);
        Assert.Empty(await notes.AcknowledgementsAsync(1, [], default));
        Assert.Empty(await notes.AcknowledgementsAsync(2, [a], default));
        Assert.Empty(await notes.ListAsync(2, a, default));
    }

    [Fact]
    public async Task Labels_saved_together_keep_the_last_of_an_anomaly_and_an_empty_batch_is_nothing()
    {
        var (labels, _) = await NewStoresAsync();
        var anomaly = Guid.NewGuid();

        await labels.SaveAsync([
            new AnomalyLabel(anomaly, 1, AnomalyOutcome.TrueAlarm, Guid.NewGuid(), At),
            new AnomalyLabel(anomaly, 1, AnomalyOutcome.FalseAlarm, null, At.AddMinutes(1), "user:2:Ana"),
        ], default);
        await labels.SaveAsync([], default);

        Assert.Equal(new AnomalyLabel(anomaly, 1, AnomalyOutcome.FalseAlarm, null, At.AddMinutes(1), "user:2:Ana"), await labels.FindAsync(1, anomaly, default));
        Assert.Single(await labels.ListAsync(1, 10, default));
    }
}

public sealed class SqliteAnomalyReviewContract : AnomalyReviewContract, IDisposable
{
    private readonly TempDatabase _temp = new();

    protected override Task<(ILabelStore Labels, IAnomalyNoteStore Notes)> NewStoresAsync() =>
        Task.FromResult<(ILabelStore, IAnomalyNoteStore)>((new SqliteLabelStore(_temp.Database), new SqliteAnomalyNoteStore(_temp.Database)));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Labels_written_before_review_labels_existed_survive_the_migration()
    {
        var folder = Directory.CreateTempSubdirectory("smx-test-v13-").FullName;
        try
        {
            var database = new SqliteDatabase(folder, NullLogger<SqliteDatabase>.Instance);
            database.Migrate(upTo: 13);
            var (anomaly, workOrder) = (Guid.NewGuid(), Guid.NewGuid());
            await using (var connection = await database.OpenAsync(default))
            {
                await connection.ExecuteAsync(
                    "INSERT INTO anomaly_labels (anomaly_id, tenant_id, label, work_order_id, labelled_at) VALUES ($id, 1, 'FalseAlarm', $wo, $at)",
                    default, ("$id", anomaly.ToString()), ("$wo", workOrder.ToString()), ("$at", UnixMicros.From(At)));
            }

            database.Migrate();

            Assert.Equal(new AnomalyLabel(anomaly, 1, AnomalyOutcome.FalseAlarm, workOrder, At), await new SqliteLabelStore(database).FindAsync(1, anomaly, default));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAnomalyReviewContract(PostgresServer server) : AnomalyReviewContract, IAsyncLifetime
{
    private PostgresDatabase? _database;

    protected override async Task<(ILabelStore Labels, IAnomalyNoteStore Notes)> NewStoresAsync()
    {
        _database = new PostgresDatabase(await server.CreateDatabaseAsync(), NullLogger<PostgresDatabase>.Instance);
        await _database.MigrateAsync();
        return (new PostgresLabelStore(_database), new PostgresAnomalyNoteStore(_database));
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
