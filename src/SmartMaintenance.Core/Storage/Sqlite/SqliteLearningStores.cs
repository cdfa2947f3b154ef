using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Anomaly outcome labels in SQLite; a later label for the same anomaly replaces the earlier one.</summary>
public sealed class SqliteLabelStore(SqliteDatabase database) : ILabelStore
{
    public async Task SaveAsync(IReadOnlyList<AnomalyLabel> labels, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var l in labels)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO anomaly_labels (anomaly_id, tenant_id, label, work_order_id, labelled_at) VALUES ($id, $t, $label, $wo, $at)
                ON CONFLICT (anomaly_id) DO UPDATE SET label = excluded.label, work_order_id = excluded.work_order_id, labelled_at = excluded.labelled_at
                """,
                cancellationToken, ("$id", l.AnomalyId.ToString()), ("$t", l.TenantId), ("$label", l.Label.ToString()),
                ("$wo", l.WorkOrderId.ToString()), ("$at", UnixMicros.From(l.LabelledAt)));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AnomalyLabel>> ListAsync(long tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT anomaly_id, tenant_id, label, work_order_id, labelled_at FROM anomaly_labels WHERE tenant_id = $t ORDER BY labelled_at DESC LIMIT $limit",
            r => new AnomalyLabel(Guid.Parse(r.GetString(0)), r.GetInt64(1), Enum.Parse<AnomalyOutcome>(r.GetString(2)), Guid.Parse(r.GetString(3)), r.GetTime(4)),
            cancellationToken, ("$t", tenantId), ("$limit", limit));
    }
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
