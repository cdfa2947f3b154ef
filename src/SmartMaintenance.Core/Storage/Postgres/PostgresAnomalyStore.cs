using System.Text.Json;

using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Anomalies in PostgreSQL, listed newest first per tenant. Answers as the SQLite store does.</summary>
public sealed class PostgresAnomalyStore(PostgresDatabase database) : IAnomalyStore
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
            INSERT INTO anomalies ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (anomaly_id) DO UPDATE SET status = excluded.status, confidence = excluded.confidence, reason = excluded.reason
            """,
            cancellationToken, a.AnomalyId, a.TenantId, a.SensorKey, a.SensorId, a.AssetId, Utc(a.At), Utc(a.DetectedAt), Utc(a.WindowStart),
            Utc(a.WindowEnd), a.Value, a.Score, a.Severity.ToString(), JsonSerializer.Serialize(a.Detectors), a.Status.ToString(), a.CorrelationId,
            a.Confidence, a.Reason);
    }

    public async Task<IReadOnlyList<Anomaly>> ListAsync(long tenantId, AnomalyQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"""
            SELECT {Columns} FROM anomalies
            WHERE tenant_id = $1 AND ($2::text IS NULL OR sensor_id = $2) AND ($3::text IS NULL OR asset_id = $3)
              AND ($4::timestamptz IS NULL OR detected_at >= $4) AND ($5::timestamptz IS NULL OR at >= $5)
              AND ($6::timestamptz IS NULL OR at < $6)
            ORDER BY detected_at DESC LIMIT $7
            """,
            Read, cancellationToken, tenantId, query.SensorId, query.AssetId, UtcOrNull(query.Since), UtcOrNull(query.OccurredFrom),
            UtcOrNull(query.OccurredBefore), query.Limit);
    }

    public async Task<Anomaly?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM anomalies WHERE tenant_id = $1 AND anomaly_id = $2",
            Read, cancellationToken, tenantId, anomalyId);
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<Anomaly>> ListLabelledAsync(long tenantId, AnomalyOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"""
            SELECT {JoinedColumns} FROM anomalies a
            JOIN anomaly_labels l ON l.anomaly_id = a.anomaly_id AND l.tenant_id = a.tenant_id
            WHERE a.tenant_id = $1 AND l.label = $2
            ORDER BY a.at
            """,
            Read, cancellationToken, tenantId, outcome.ToString());
    }

    public async Task<long> CountSinceAsync(
        long tenantId, DateTimeOffset since, IReadOnlyCollection<string>? assetIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The asset list travels as one array parameter, whatever its length.
        await using var command = connection.Command(
            "SELECT count(*) FROM anomalies WHERE tenant_id = $1 AND detected_at >= $2 AND ($3::text[] IS NULL OR asset_id = ANY($3))",
            tenantId, Utc(since), assetIds?.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static DateTimeOffset? UtcOrNull(DateTimeOffset? time) => time is { } t ? Utc(t) : null;

    private static Anomaly Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetNullableString(4),
        r.GetTime(5), r.GetTime(6), r.GetTime(7), r.GetTime(8), r.GetDouble(9), r.GetDouble(10),
        Enum.Parse<AnomalySeverity>(r.GetString(11)), JsonSerializer.Deserialize<string[]>(r.GetString(12)) ?? [],
        Enum.Parse<AnomalyStatus>(r.GetString(13)), r.GetString(14), r.GetNullableDouble(15), r.GetNullableString(16));
}
