using System.Text.Json;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Asset health over time in PostgreSQL, one row per asset and judged minute.</summary>
public sealed class PostgresAssetHealthStore(PostgresDatabase database) : IAssetHealthStore
{
    public async Task AppendAsync(long tenantId, string assetId, IReadOnlyList<AssetHealthPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        // One statement for the lot; within it the last point of a minute wins, as it would written one after another.
        await connection.ExecuteAsync(
            """
            INSERT INTO asset_health (tenant_id, asset_id, at, health, abnormal, drivers)
            SELECT DISTINCT ON (at) $1, $2, at, health, abnormal, drivers
            FROM unnest($3::timestamptz[], $4::integer[], $5::boolean[], $6::text[]) WITH ORDINALITY AS p(at, health, abnormal, drivers, n)
            ORDER BY at, n DESC
            ON CONFLICT (tenant_id, asset_id, at) DO UPDATE SET health = excluded.health, abnormal = excluded.abnormal, drivers = excluded.drivers
            """,
            cancellationToken, tenantId, assetId, points.Select(p => Utc(p.At)).ToArray(), points.Select(p => p.Health).ToArray(),
            points.Select(p => p.Abnormal).ToArray(), points.Select(p => JsonSerializer.Serialize(p.Drivers)).ToArray());
    }

    public async Task<IReadOnlyList<AssetHealthPoint>> ListAsync(
        long tenantId, string assetId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT at, health, abnormal, drivers FROM asset_health
            WHERE tenant_id = $1 AND asset_id = $2 AND at >= $3 AND at < $4 ORDER BY at
            """,
            r => new AssetHealthPoint(r.GetTime(0), r.GetInt32(1), r.GetBoolean(2), JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? []),
            cancellationToken, tenantId, assetId, Utc(from), Utc(to));
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM asset_health WHERE at < $1", cancellationToken, Utc(before));
    }
}
