using System.Text.Json;

using Npgsql;

using SmartMaintenance.Models.Registry;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>The model registry in PostgreSQL; parameters, metrics and features as JSON columns.</summary>
public sealed class PostgresModelRegistryStore(PostgresDatabase database) : IModelRegistryStore
{
    private const string Columns =
        "tenant_id, name, version, kind, stage, sha256, artifact, parameters, metrics, features, training_fingerprint, created_by, parent_version, created_at, stage_changed_at, asset_kind";

    public async Task<ModelVersion> AddAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The next number is read and taken in one statement; two adds racing for it meet at the primary key, and the
        // one that lost takes the number after.
        while (true)
        {
            await using var command = connection.Command(
                $"""
                INSERT INTO model_versions ({Columns})
                SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, $7::json, $8::json, $9::json, $10, $11, $12::integer, $13, $13, $14::text
                FROM model_versions WHERE tenant_id = $1 AND name = $2
                RETURNING version
                """,
                version.TenantId, version.Name, version.Kind, Stage(version.Stage), version.Sha256, version.Artifact,
                JsonSerializer.Serialize(version.Parameters), JsonSerializer.Serialize(version.Metrics), JsonSerializer.Serialize(version.Features),
                version.TrainingFingerprint, version.CreatedBy, version.ParentVersion, Utc(version.CreatedAt), version.AssetKind);
            try
            {
                var next = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
                return version with { Version = next, StageChangedAt = version.CreatedAt };
            }
            catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
            {
                // Another add took this number first: read the next one.
            }
        }
    }

    public async Task<IReadOnlyList<ModelVersion>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM model_versions WHERE tenant_id = $1 ORDER BY name, version", Read, cancellationToken,
            tenantId);
    }

    public async Task<IReadOnlyList<ModelVersion>> SetStageAsync(
        long tenantId, string name, int version, ModelStage stage, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The name's versions are locked first, so two promotions of the same name wait for each other and the second
        // sees (and archives) the first one's production version.
        var stages = await connection.ListAsync("SELECT version, stage FROM model_versions WHERE tenant_id = $1 AND name = $2 FOR UPDATE",
            r => (Version: r.GetInt32(0), Stage: r.GetString(1)), cancellationToken, tenantId, name);
        if (!stages.Any(s => s.Version == version))
        {
            return [];
        }

        var archived = stage == ModelStage.Production
            ? stages.Where(s => s.Stage == Stage(ModelStage.Production) && s.Version != version).Select(s => s.Version).ToArray()
            : [];
        await connection.ExecuteAsync(
            """
            UPDATE model_versions SET stage = CASE WHEN version = $3 THEN $4 ELSE $5 END, stage_changed_at = $6
            WHERE tenant_id = $1 AND name = $2 AND (version = $3 OR version = ANY($7))
            """,
            cancellationToken, tenantId, name, version, Stage(stage), Stage(ModelStage.Archived), Utc(at), archived);
        var changed = await connection.ListAsync(
            $"SELECT {Columns} FROM model_versions WHERE tenant_id = $1 AND name = $2 AND (version = $3 OR version = ANY($4)) ORDER BY version",
            Read, cancellationToken, tenantId, name, version, archived);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    private static string Stage(ModelStage stage) => stage.ToString().ToLowerInvariant();

    private static ModelVersion Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), Enum.Parse<ModelStage>(r.GetString(4), ignoreCase: true), r.GetString(5),
        r.GetString(6), JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(8)) ?? [], JsonSerializer.Deserialize<string[]>(r.GetString(9)) ?? [],
        r.GetString(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetInt32(12), r.GetTime(13), r.GetTime(14))
    {
        AssetKind = r.GetNullableString(15),
    };
}
