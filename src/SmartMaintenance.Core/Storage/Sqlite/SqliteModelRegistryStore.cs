using System.Text.Json;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;
using SmartMaintenance.Models.Registry;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>The model registry in SQLite; parameters, metrics and features as JSON columns.</summary>
public sealed class SqliteModelRegistryStore(SqliteDatabase database) : IModelRegistryStore
{
    private const string Columns =
        "tenant_id, name, version, kind, stage, sha256, artifact, parameters, metrics, features, training_fingerprint, created_by, parent_version, created_at, stage_changed_at, asset_kind";

    public async Task<ModelVersion> AddAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var next = (await connection.ListAsync("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE tenant_id = $t AND name = $n",
            r => r.GetInt32(0), cancellationToken, ("$t", version.TenantId), ("$n", version.Name)))[0];
        var stored = version with { Version = next };
        await connection.ExecuteAsync(
            $"""
            INSERT INTO model_versions ({Columns})
            VALUES ($t, $n, $v, $kind, $stage, $sha, $artifact, $parameters, $metrics, $features, $fingerprint, $by, $parent, $at, $at, $asset)
            """,
            cancellationToken, ("$t", stored.TenantId), ("$n", stored.Name), ("$v", stored.Version), ("$kind", stored.Kind),
            ("$stage", Stage(stored.Stage)), ("$sha", stored.Sha256), ("$artifact", stored.Artifact),
            ("$parameters", JsonSerializer.Serialize(stored.Parameters)), ("$metrics", JsonSerializer.Serialize(stored.Metrics)),
            ("$features", JsonSerializer.Serialize(stored.Features)), ("$fingerprint", stored.TrainingFingerprint), ("$by", stored.CreatedBy),
            ("$parent", stored.ParentVersion), ("$at", UnixMicros.From(stored.CreatedAt)), ("$asset", stored.AssetKind));
        await transaction.CommitAsync(cancellationToken);
        return stored with { StageChangedAt = stored.CreatedAt };
    }

    public async Task<IReadOnlyList<ModelVersion>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync($"SELECT {Columns} FROM model_versions WHERE tenant_id = $t ORDER BY name, version",
            Read, cancellationToken, ("$t", tenantId));
    }

    public async Task<IReadOnlyList<ModelVersion>> SetStageAsync(
        long tenantId, string name, int version, ModelStage stage, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var changed = new List<(int Version, ModelStage Stage)>();
        if (stage == ModelStage.Production)
        {
            var previous = await connection.ListAsync(
                "SELECT version FROM model_versions WHERE tenant_id = $t AND name = $n AND stage = $p AND version <> $v",
                r => r.GetInt32(0), cancellationToken, ("$t", tenantId), ("$n", name), ("$p", Stage(ModelStage.Production)), ("$v", version));
            changed.AddRange(previous.Select(v => (v, ModelStage.Archived)));
        }

        if (await connection.ExecuteAsync("UPDATE model_versions SET stage = $s, stage_changed_at = $at WHERE tenant_id = $t AND name = $n AND version = $v",
                cancellationToken, ("$t", tenantId), ("$n", name), ("$v", version), ("$s", Stage(stage)), ("$at", UnixMicros.From(at))) == 0)
        {
            return [];
        }

        foreach (var (archived, _) in changed)
        {
            await connection.ExecuteAsync("UPDATE model_versions SET stage = $s, stage_changed_at = $at WHERE tenant_id = $t AND name = $n AND version = $v",
                cancellationToken, ("$t", tenantId), ("$n", name), ("$v", archived), ("$s", Stage(ModelStage.Archived)), ("$at", UnixMicros.From(at)));
        }

        await transaction.CommitAsync(cancellationToken);
        var versions = changed.Select(c => c.Version).Append(version).ToHashSet();
        return [.. (await ListAsync(tenantId, cancellationToken)).Where(m => m.Name == name && versions.Contains(m.Version))];
    }

    private static string Stage(ModelStage stage) => stage.ToString().ToLowerInvariant();

    private static ModelVersion Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), Enum.Parse<ModelStage>(r.GetString(4), ignoreCase: true), r.GetString(5),
        r.GetString(6), JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(8)) ?? [], JsonSerializer.Deserialize<string[]>(r.GetString(9)) ?? [],
        r.GetString(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetInt32(12), r.GetTime(13), r.GetTime(14))
    {
        AssetKind = r.GetNullableString(15),
    };
}
