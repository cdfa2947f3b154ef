using System.Text.Json;
using System.Text.Json.Serialization;

using Npgsql;

using SmartMaintenance.Models.Assets;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Training runs and drift checks in PostgreSQL, each a JSON document beside the columns it is found by.</summary>
public sealed class PostgresModelHistoryStore(PostgresDatabase database) : IModelHistoryStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task SaveRunAsync(TrainingRun run, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO training_runs (run_id, tenant_id, requested_at, body) VALUES ($1, $2, $3, $4::json)
            ON CONFLICT (run_id) DO UPDATE SET body = excluded.body
            """,
            cancellationToken, run.RunId, run.TenantId, Utc(run.RequestedAt), JsonSerializer.Serialize(run, Json));
    }

    public async Task<TrainingRun?> FindRunAsync(long tenantId, Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.ListAsync("SELECT body FROM training_runs WHERE tenant_id = $1 AND run_id = $2", ReadRun, cancellationToken,
            tenantId, runId)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<TrainingRun>> ListRunsAsync(long tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync("SELECT body FROM training_runs WHERE tenant_id = $1 ORDER BY requested_at DESC LIMIT $2",
            ReadRun, cancellationToken, tenantId, limit);
    }

    public async Task SaveDriftCheckAsync(long tenantId, DriftCheck check, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("INSERT INTO drift_checks (tenant_id, model_name, checked_at, body) VALUES ($1, $2, $3, $4::json)",
            cancellationToken, tenantId, check.ModelName, Utc(check.At), JsonSerializer.Serialize(check, Json));
    }

    public async Task<IReadOnlyList<DriftCheck>> ListDriftChecksAsync(long tenantId, string name, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM drift_checks WHERE tenant_id = $1 AND model_name = $2 ORDER BY checked_at DESC, id DESC LIMIT $3",
            r => JsonSerializer.Deserialize<DriftCheck>(r.GetString(0), Json)!, cancellationToken, tenantId, name, limit);
    }

    private static TrainingRun ReadRun(NpgsqlDataReader r) => JsonSerializer.Deserialize<TrainingRun>(r.GetString(0), Json)!;
}
