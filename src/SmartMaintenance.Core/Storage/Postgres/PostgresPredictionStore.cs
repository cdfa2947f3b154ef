using System.Text.Json;

using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Predictions in PostgreSQL, newest first per tenant and asset; a prediction id saved twice is refused, as in SQLite.</summary>
public sealed class PostgresPredictionStore(PostgresDatabase database) : IPredictionStore
{
    private const string Columns =
        "prediction_id, tenant_id, asset_id, at, failure_probability, rul_seconds, model_name, model_version, is_fallback, explanation, correlation_id, explanation_base";

    public async Task SaveAsync(Prediction prediction, CancellationToken cancellationToken)
    {
        var p = prediction;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            $"INSERT INTO predictions ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            cancellationToken, p.PredictionId, p.TenantId, p.AssetId, Utc(p.At), p.FailureProbability, p.RemainingUsefulLife?.TotalSeconds,
            p.ModelName, p.ModelVersion, p.IsFallback, JsonSerializer.Serialize(p.Explanation), p.CorrelationId, p.ExplanationBase);
    }

    public async Task<IReadOnlyList<Prediction>> ListAsync(long tenantId, string? assetId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"SELECT {Columns} FROM predictions WHERE tenant_id = $1 AND ($2::text IS NULL OR asset_id = $2) ORDER BY at DESC LIMIT $3",
            Read, cancellationToken, tenantId, assetId, limit);
    }

    public async Task<Prediction?> FindAsync(long tenantId, Guid predictionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync($"SELECT {Columns} FROM predictions WHERE tenant_id = $1 AND prediction_id = $2",
            Read, cancellationToken, tenantId, predictionId);
        return rows.Count == 0 ? null : rows[0];
    }

    private static Prediction Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetInt64(1), r.GetString(2), r.GetTime(3), r.GetDouble(4),
        r.GetNullableDouble(5) is { } seconds ? TimeSpan.FromSeconds(seconds) : null, r.GetString(6), r.GetString(7), r.GetBoolean(8),
        JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(9)) ?? [], r.GetString(10))
    {
        ExplanationBase = r.GetNullableDouble(11),
    };
}
