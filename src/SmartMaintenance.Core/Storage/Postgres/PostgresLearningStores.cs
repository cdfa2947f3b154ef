using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Anomaly outcome labels in PostgreSQL; a later label for the same anomaly replaces the earlier one.</summary>
public sealed class PostgresLabelStore(PostgresDatabase database) : ILabelStore
{
    private const string Columns = "anomaly_id, tenant_id, label, work_order_id, labelled_at, labelled_by, comment";

    public async Task SaveAsync(IReadOnlyList<AnomalyLabel> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        // One statement for the lot; within it the last label of an anomaly wins, as it would written one after another.
        await connection.ExecuteAsync(
            $"""
            INSERT INTO anomaly_labels ({Columns})
            SELECT DISTINCT ON (anomaly_id) {Columns}
            FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::timestamptz[], $6::text[], $7::text[]) WITH ORDINALITY
                AS l({Columns}, n)
            ORDER BY anomaly_id, n DESC
            ON CONFLICT (anomaly_id) DO UPDATE SET label = excluded.label, work_order_id = excluded.work_order_id,
                labelled_at = excluded.labelled_at, labelled_by = excluded.labelled_by, comment = excluded.comment
            """,
            cancellationToken, labels.Select(l => l.AnomalyId).ToArray(), labels.Select(l => l.TenantId).ToArray(),
            labels.Select(l => l.Label.ToString()).ToArray(), labels.Select(l => l.WorkOrderId).ToArray(),
            labels.Select(l => Utc(l.LabelledAt)).ToArray(), labels.Select(l => l.LabelledBy).ToArray(), labels.Select(l => l.Comment).ToArray());
    }

    public async Task<IReadOnlyList<AnomalyLabel>> ListAsync(long tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM anomaly_labels WHERE tenant_id = $1 ORDER BY labelled_at DESC LIMIT $2",
            Read, cancellationToken, tenantId, limit);
    }

    public async Task<AnomalyLabel?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.ListAsync($"SELECT {Columns} FROM anomaly_labels WHERE tenant_id = $1 AND anomaly_id = $2",
            Read, cancellationToken, tenantId, anomalyId);
        return found.Count > 0 ? found[0] : null;
    }

    private static AnomalyLabel Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetInt64(1), Enum.Parse<AnomalyOutcome>(r.GetString(2)), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetTime(4),
            r.GetNullableString(5), r.GetNullableString(6));
}

/// <summary>Acknowledgements, comments and marks on anomalies in PostgreSQL, appended in order.</summary>
public sealed class PostgresAnomalyNoteStore(PostgresDatabase database) : IAnomalyNoteStore
{
    private const string Columns = "id, anomaly_id, kind, actor, text, at";

    public async Task<AnomalyNote> AddAsync(long tenantId, AnomalyNote note, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO anomaly_notes (tenant_id, anomaly_id, kind, actor, text, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            tenantId, note.AnomalyId, (int)note.Kind, note.Actor, note.Text, Utc(note.At));
        return note with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<AnomalyNote>> ListAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM anomaly_notes WHERE tenant_id = $1 AND anomaly_id = $2 ORDER BY id",
            Read, cancellationToken, tenantId, anomalyId);
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
        // One query for the lot: the ids go in as one array.
        var notes = await connection.ListAsync(
            $"SELECT {Columns} FROM anomaly_notes WHERE tenant_id = $1 AND kind = $2 AND anomaly_id = ANY($3) ORDER BY id",
            Read, cancellationToken, tenantId, (int)AnomalyNoteKind.Acknowledged, anomalyIds.ToArray());
        foreach (var note in notes)
        {
            found.TryAdd(note.AnomalyId, note);
        }

        return found;
    }

    private static AnomalyNote Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetGuid(1), (AnomalyNoteKind)r.GetInt32(2), r.GetString(3), r.GetNullableString(4), r.GetTime(5));
}

/// <summary>Generated reports in PostgreSQL; a report id saved twice is refused (an exception), as in SQLite.</summary>
public sealed class PostgresReportStore(PostgresDatabase database) : IReportStore
{
    private const string Columns = "report_id, tenant_id, kind, subject, created_at, sha256, body";

    public async Task SaveAsync(Report report, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync($"INSERT INTO reports ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)", cancellationToken,
            report.ReportId, report.TenantId, report.Kind, report.Subject, Utc(report.CreatedAt), report.Sha256, report.Body);
    }

    public async Task<Report?> FindAsync(long tenantId, Guid reportId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM reports WHERE tenant_id = $1 AND report_id = $2", Read, cancellationToken,
            tenantId, reportId);
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Report>> ListAsync(long tenantId, string? subject, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM reports WHERE tenant_id = $1 AND ($2::text IS NULL OR subject = $2) ORDER BY created_at DESC LIMIT $3",
            Read, cancellationToken, tenantId, subject, limit);
    }

    private static Report Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetTime(4), r.GetString(5), r.GetString(6));
}
