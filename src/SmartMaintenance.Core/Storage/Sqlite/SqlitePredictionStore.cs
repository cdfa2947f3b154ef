using System.Text.Json;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Predictions in SQLite, newest first per tenant and asset.</summary>
public sealed class SqlitePredictionStore(SqliteDatabase database) : IPredictionStore
{
    private const string Columns =
        "prediction_id, tenant_id, asset_id, at, failure_probability, rul_seconds, model_name, model_version, is_fallback, explanation, correlation_id, explanation_base";

    public async Task SaveAsync(Prediction prediction, CancellationToken cancellationToken)
    {
        var p = prediction;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            $"INSERT INTO predictions ({Columns}) VALUES ($id, $t, $asset, $at, $p, $rul, $model, $version, $fallback, $explanation, $c, $base)",
            cancellationToken, ("$id", p.PredictionId.ToString()), ("$t", p.TenantId), ("$asset", p.AssetId), ("$at", UnixMicros.From(p.At)),
            ("$p", p.FailureProbability), ("$rul", p.RemainingUsefulLife?.TotalSeconds), ("$model", p.ModelName), ("$version", p.ModelVersion),
            ("$fallback", p.IsFallback), ("$explanation", JsonSerializer.Serialize(p.Explanation)), ("$c", p.CorrelationId),
            ("$base", p.ExplanationBase));
    }

    public async Task<IReadOnlyList<Prediction>> ListAsync(long tenantId, string? assetId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM predictions WHERE tenant_id = $t AND ($asset IS NULL OR asset_id = $asset) ORDER BY at DESC LIMIT $limit",
            Read, cancellationToken, ("$t", tenantId), ("$asset", assetId), ("$limit", limit));
    }

    public async Task<Prediction?> FindAsync(long tenantId, Guid predictionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM predictions WHERE tenant_id = $t AND prediction_id = $id",
            Read, cancellationToken, ("$t", tenantId), ("$id", predictionId.ToString()));
        return rows.Count == 0 ? null : rows[0];
    }

    private static Prediction Read(SqliteDataReader r) => new(
        Guid.Parse(r.GetString(0)), r.GetInt64(1), r.GetString(2), r.GetTime(3), r.GetDouble(4),
        r.GetNullableDouble(5) is { } seconds ? TimeSpan.FromSeconds(seconds) : null, r.GetString(6), r.GetString(7), r.GetBoolean(8),
        JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(9)) ?? [], r.GetString(10))
    {
        ExplanationBase = r.GetNullableDouble(11),
    };
}
