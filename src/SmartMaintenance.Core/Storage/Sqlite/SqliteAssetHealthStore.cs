using System.Text.Json;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Asset health over time in SQLite, one row per asset and judged minute.</summary>
public sealed class SqliteAssetHealthStore(SqliteDatabase database) : IAssetHealthStore
{
    public async Task AppendAsync(long tenantId, string assetId, IReadOnlyList<AssetHealthPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var point in points)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO asset_health (tenant_id, asset_id, at, health, abnormal, drivers) VALUES ($t, $asset, $at, $health, $abnormal, $drivers)
                ON CONFLICT (tenant_id, asset_id, at) DO UPDATE SET health = excluded.health, abnormal = excluded.abnormal, drivers = excluded.drivers
                """,
                cancellationToken, ("$t", tenantId), ("$asset", assetId), ("$at", UnixMicros.From(point.At)), ("$health", point.Health),
                ("$abnormal", point.Abnormal), ("$drivers", JsonSerializer.Serialize(point.Drivers)));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AssetHealthPoint>> ListAsync(
        long tenantId, string assetId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT at, health, abnormal, drivers FROM asset_health
            WHERE tenant_id = $t AND asset_id = $asset AND at >= $from AND at < $to ORDER BY at
            """,
            r => new AssetHealthPoint(r.GetTime(0), r.GetInt32(1), r.GetBoolean(2), JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? []),
            cancellationToken, ("$t", tenantId), ("$asset", assetId), ("$from", UnixMicros.From(from)), ("$to", UnixMicros.From(to)));
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM asset_health WHERE at < $before", cancellationToken, ("$before", UnixMicros.From(before)));
    }
}
