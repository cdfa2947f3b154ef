using System.Data.Common;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Retention;

/// <summary>
/// What the stores' retention code shares: the policy table's columns and upsert (parameters <c>$1</c>…<c>$7</c>, a name
/// SQLite takes as well as PostgreSQL), the roll-up tables, and ending a raw step (export first, then commit).
/// </summary>
internal static class RetentionSteps
{
    public const string PolicyColumns = "tenant_id, raw_days, minute_rollup_days, hour_rollup_days, export_dropped, updated_by, updated_at, last_run";

    /// <summary>Creates or replaces a policy, keeping its last run: tenant, raw, minute and hour days, export, by, at.</summary>
    public const string PolicyUpsert = """
        INSERT INTO retention_policies (tenant_id, raw_days, minute_rollup_days, hour_rollup_days, export_dropped, updated_by, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant_id) DO UPDATE SET raw_days = excluded.raw_days, minute_rollup_days = excluded.minute_rollup_days,
            hour_rollup_days = excluded.hour_rollup_days, export_dropped = excluded.export_dropped, updated_by = excluded.updated_by,
            updated_at = excluded.updated_at
        """;

    public static string RollupTable(RollupResolution resolution) => resolution == RollupResolution.Minute ? "rollup_minute" : "rollup_hour";

    /// <summary>Hands the deleted readings, oldest first, to the export, then commits the deletion; the readings deleted.</summary>
    public static async Task<int> HandOverAndCommitAsync(
        DbTransaction transaction, long tenantId, List<Reading> deleted, DroppingReadings? dropping, CancellationToken cancellationToken)
    {
        if (deleted.Count > 0 && dropping is not null)
        {
            deleted.Sort(static (a, b) => a.TimestampMicros.CompareTo(b.TimestampMicros));
            await dropping(tenantId, deleted, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted.Count;
    }
}
