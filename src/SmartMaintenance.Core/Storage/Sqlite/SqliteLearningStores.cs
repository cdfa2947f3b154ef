using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Anomaly outcome labels in SQLite; a later label for the same anomaly replaces the earlier one.</summary>
public sealed class SqliteLabelStore(SqliteDatabase database) : ILabelStore
{
    private const string Columns = "anomaly_id, tenant_id, label, work_order_id, labelled_at, labelled_by, comment";

    public async Task SaveAsync(IReadOnlyList<AnomalyLabel> labels, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var l in labels)
        {
            await connection.ExecuteAsync(
                $"""
                INSERT INTO anomaly_labels ({Columns}) VALUES ($id, $t, $label, $wo, $at, $by, $comment)
                ON CONFLICT (anomaly_id) DO UPDATE SET label = excluded.label, work_order_id = excluded.work_order_id,
                    labelled_at = excluded.labelled_at, labelled_by = excluded.labelled_by, comment = excluded.comment
                """,
                cancellationToken, ("$id", l.AnomalyId.ToString()), ("$t", l.TenantId), ("$label", l.Label.ToString()),
                ("$wo", l.WorkOrderId?.ToString()), ("$at", UnixMicros.From(l.LabelledAt)), ("$by", l.LabelledBy), ("$comment", l.Comment));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AnomalyLabel>> ListAsync(long tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM anomaly_labels WHERE tenant_id = $t ORDER BY labelled_at DESC LIMIT $limit",
            Read, cancellationToken, ("$t", tenantId), ("$limit", limit));
    }

    public async Task<AnomalyLabel?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.ListAsync($"SELECT {Columns} FROM anomaly_labels WHERE tenant_id = $t AND anomaly_id = $id",
            Read, cancellationToken, ("$t", tenantId), ("$id", anomalyId.ToString()));
        return found.Count > 0 ? found[0] : null;
    }

    private static AnomalyLabel Read(SqliteDataReader r) =>
        new(Guid.Parse(r.GetString(0)), r.GetInt64(1), Enum.Parse<AnomalyOutcome>(r.GetString(2)),
            r.GetNullableString(3) is { } workOrder ? Guid.Parse(workOrder) : null, r.GetTime(4), r.GetNullableString(5), r.GetNullableString(6));
}

/// <summary>Acknowledgements, comments and marks on anomalies in SQLite, appended in order.</summary>
public sealed class SqliteAnomalyNoteStore(SqliteDatabase database) : IAnomalyNoteStore
{
    public async Task<AnomalyNote> AddAsync(long tenantId, AnomalyNote note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO anomaly_notes (tenant_id, anomaly_id, kind, actor, text, at) VALUES ($t, $a, $kind, $actor, $text, $at) RETURNING id",
            ("$t", tenantId), ("$a", note.AnomalyId.ToString()), ("$kind", (int)note.Kind), ("$actor", note.Actor), ("$text", note.Text),
            ("$at", UnixMicros.From(note.At)));
        return note with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<AnomalyNote>> ListAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT id, anomaly_id, kind, actor, text, at FROM anomaly_notes WHERE tenant_id = $t AND anomaly_id = $a ORDER BY id",
            Read, cancellationToken, ("$t", tenantId), ("$a", anomalyId.ToString()));
    }

    public async Task<IReadOnlyDictionary<Guid, AnomalyNote>> AcknowledgementsAsync(long tenantId, IReadOnlyCollection<Guid> anomalyIds,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, AnomalyNote>();
        if (anomalyIds.Count == 0)
        {
            return found;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        // One query for the lot: the ids go in as a JSON array, read by json_each.
        var notes = await connection.ListAsync(
            """
            SELECT id, anomaly_id, kind, actor, text, at FROM anomaly_notes
            WHERE tenant_id = $t AND kind = $kind AND anomaly_id IN (SELECT value FROM json_each($ids)) ORDER BY id
            """,
            Read, cancellationToken, ("$t", tenantId), ("$kind", (int)AnomalyNoteKind.Acknowledged),
            ("$ids", System.Text.Json.JsonSerializer.Serialize(anomalyIds.Select(id => id.ToString()))));
        foreach (var note in notes)
        {
            found.TryAdd(note.AnomalyId, note);
        }

        return found;
    }

    private static AnomalyNote Read(SqliteDataReader r) =>
        new(r.GetInt64(0), Guid.Parse(r.GetString(1)), (AnomalyNoteKind)r.GetInt32(2), r.GetString(3), r.GetNullableString(4), r.GetTime(5));
}

/// <summary>Generated reports in SQLite.</summary>
public sealed class SqliteReportStore(SqliteDatabase database) : IReportStore
{
    private const string Columns = "report_id, tenant_id, kind, subject, created_at, sha256, body";

    public async Task SaveAsync(Report report, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync($"INSERT INTO reports ({Columns}) VALUES ($id, $t, $kind, $subject, $at, $sha, $body)",
            cancellationToken, ("$id", report.ReportId.ToString()), ("$t", report.TenantId), ("$kind", report.Kind), ("$subject", report.Subject),
            ("$at", UnixMicros.From(report.CreatedAt)), ("$sha", report.Sha256), ("$body", report.Body));
    }

    public async Task<Report?> FindAsync(long tenantId, Guid reportId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM reports WHERE tenant_id = $t AND report_id = $id", Read, cancellationToken,
            ("$t", tenantId), ("$id", reportId.ToString()));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Report>> ListAsync(long tenantId, string? subject, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM reports WHERE tenant_id = $t AND ($subject IS NULL OR subject = $subject) ORDER BY created_at DESC LIMIT $limit",
            Read, cancellationToken, ("$t", tenantId), ("$subject", subject), ("$limit", limit));
    }

    private static Report Read(SqliteDataReader r) => new(
        Guid.Parse(r.GetString(0)), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetTime(4), r.GetString(5), r.GetString(6));
}
