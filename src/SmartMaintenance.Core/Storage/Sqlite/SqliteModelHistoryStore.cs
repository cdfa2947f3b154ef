using System.Text.Json;
using System.Text.Json.Serialization;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Models.Assets;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Training runs and drift checks in SQLite, each a JSON document beside the columns it is found by.</summary>
public sealed class SqliteModelHistoryStore(SqliteDatabase database) : IModelHistoryStore
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
            INSERT INTO training_runs (run_id, tenant_id, requested_at, body) VALUES ($id, $t, $at, $body)
            ON CONFLICT (run_id) DO UPDATE SET body = excluded.body
            """,
            cancellationToken, ("$id", run.RunId.ToString()), ("$t", run.TenantId), ("$at", UnixMicros.From(run.RequestedAt)),
            ("$body", JsonSerializer.Serialize(run, Json)));
    }

    public async Task<TrainingRun?> FindRunAsync(long tenantId, Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ListAsync("SELECT body FROM training_runs WHERE tenant_id = $t AND run_id = $id", ReadRun, cancellationToken,
            ("$t", tenantId), ("$id", runId.ToString()));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<TrainingRun>> ListRunsAsync(long tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync("SELECT body FROM training_runs WHERE tenant_id = $t ORDER BY requested_at DESC LIMIT $limit",
            ReadRun, cancellationToken, ("$t", tenantId), ("$limit", limit));
    }

    public async Task SaveDriftCheckAsync(long tenantId, DriftCheck check, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("INSERT INTO drift_checks (tenant_id, model_name, checked_at, body) VALUES ($t, $name, $at, $body)",
            cancellationToken, ("$t", tenantId), ("$name", check.ModelName), ("$at", UnixMicros.From(check.At)),
            ("$body", JsonSerializer.Serialize(check, Json)));
    }

    public async Task<IReadOnlyList<DriftCheck>> ListDriftChecksAsync(long tenantId, string name, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT body FROM drift_checks WHERE tenant_id = $t AND model_name = $name ORDER BY checked_at DESC, id DESC LIMIT $limit",
            r => JsonSerializer.Deserialize<DriftCheck>(r.GetString(0), Json)!, cancellationToken, ("$t", tenantId), ("$name", name), ("$limit", limit));
    }

    private static TrainingRun ReadRun(SqliteDataReader r) => JsonSerializer.Deserialize<TrainingRun>(r.GetString(0), Json)!;
}
