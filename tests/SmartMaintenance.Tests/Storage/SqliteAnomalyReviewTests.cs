using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Tests.Storage;

public sealed class SqliteAnomalyReviewTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Labels_from_maintenance_and_from_review_are_kept_and_a_later_one_replaces_the_earlier()
    {
        using var temp = new TempDatabase();
        var labels = new SqliteLabelStore(temp.Database);
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
        using var temp = new TempDatabase();
        var notes = new SqliteAnomalyNoteStore(temp.Database);
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
