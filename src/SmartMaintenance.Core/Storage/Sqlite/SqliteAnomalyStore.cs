using System.Text.Json;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Anomalies in SQLite, listed newest first per tenant.</summary>
public sealed class SqliteAnomalyStore(SqliteDatabase database) : IAnomalyStore
{
    private const string Columns =
        "anomaly_id, tenant_id, sensor_key, sensor_id, asset_id, at, detected_at, window_start, window_end, value, score, severity, detectors, status, correlation_id, confidence, reason";

    // The same columns read through the alias of a join.
    private static readonly string JoinedColumns = string.Join(", ", Columns.Split(", ").Select(c => "a." + c));

    public async Task SaveAsync(Anomaly anomaly, CancellationToken cancellationToken)
    {
        var a = anomaly;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            $"""
            INSERT INTO anomalies ({Columns})
            VALUES ($id, $t, $key, $sensor, $asset, $at, $detected, $from, $to, $value, $score, $severity, $detectors, $status, $c, $confidence, $reason)
            ON CONFLICT (anomaly_id) DO UPDATE SET status = excluded.status, confidence = excluded.confidence, reason = excluded.reason
            """,
            cancellationToken,
            ("$id", a.AnomalyId.ToString()), ("$t", a.TenantId), ("$key", a.SensorKey), ("$sensor", a.SensorId), ("$asset", a.AssetId),
            ("$at", UnixMicros.From(a.At)), ("$detected", UnixMicros.From(a.DetectedAt)), ("$from", UnixMicros.From(a.WindowStart)),
            ("$to", UnixMicros.From(a.WindowEnd)), ("$value", a.Value), ("$score", a.Score), ("$severity", a.Severity.ToString()),
            ("$detectors", JsonSerializer.Serialize(a.Detectors)), ("$status", a.Status.ToString()), ("$c", a.CorrelationId),
            ("$confidence", a.Confidence), ("$reason", a.Reason));
    }

    public async Task<IReadOnlyList<Anomaly>> ListAsync(long tenantId, AnomalyQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"""
            SELECT {Columns} FROM anomalies
            WHERE tenant_id = $t AND ($sensor IS NULL OR sensor_id = $sensor) AND ($asset IS NULL OR asset_id = $asset)
              AND detected_at >= $since AND at >= $from AND at < $before
            ORDER BY detected_at DESC LIMIT $limit
            """,
            Read, cancellationToken, ("$t", tenantId), ("$sensor", query.SensorId), ("$asset", query.AssetId),
            ("$since", query.Since is { } since ? UnixMicros.From(since) : long.MinValue),
            ("$from", query.OccurredFrom is { } from ? UnixMicros.From(from) : long.MinValue),
            ("$before", query.OccurredBefore is { } before ? UnixMicros.From(before) : long.MaxValue), ("$limit", query.Limit));
    }

    public async Task<Anomaly?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM anomalies WHERE tenant_id = $t AND anomaly_id = $id",
            Read, cancellationToken, ("$t", tenantId), ("$id", anomalyId.ToString()));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Anomaly>> ListLabelledAsync(long tenantId, AnomalyOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"""
            SELECT {JoinedColumns} FROM anomalies a
            JOIN anomaly_labels l ON l.anomaly_id = a.anomaly_id AND l.tenant_id = a.tenant_id
            WHERE a.tenant_id = $t AND l.label = $label
            ORDER BY a.at
            """,
            Read, cancellationToken, ("$t", tenantId), ("$label", outcome.ToString()));
    }

    public async Task<long> CountSinceAsync(
        long tenantId, DateTimeOffset since, IReadOnlyCollection<string>? assetIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The asset list travels as one JSON parameter, whatever its length.
        await using var command = connection.Command(
            """
            SELECT count(*) FROM anomalies WHERE tenant_id = $t AND detected_at >= $since
              AND ($assets IS NULL OR asset_id IN (SELECT value FROM json_each($assets)))
            """,
            ("$t", tenantId), ("$since", UnixMicros.From(since)), ("$assets", assetIds is null ? null : JsonSerializer.Serialize(assetIds)));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static Anomaly Read(SqliteDataReader r) => new(
        Guid.Parse(r.GetString(0)), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetNullableString(4),
        r.GetTime(5), r.GetTime(6), r.GetTime(7), r.GetTime(8), r.GetDouble(9), r.GetDouble(10),
        Enum.Parse<AnomalySeverity>(r.GetString(11)), JsonSerializer.Deserialize<string[]>(r.GetString(12)) ?? [],
        Enum.Parse<AnomalyStatus>(r.GetString(13)), r.GetString(14), r.GetNullableDouble(15), r.GetNullableString(16));
}
