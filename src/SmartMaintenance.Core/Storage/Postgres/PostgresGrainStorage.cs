using System.Text.Json;

using Orleans.Runtime;
using Orleans.Storage;

using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// Orleans grain state in PostgreSQL, written as the SQLite store writes it (the same JSON, an ETag per row): a write
/// based on a stale read fails instead of overwriting another activation's state — on another node too, which is what
/// keeps two activations of one grain during a membership change from both winning.
/// </summary>
public sealed class PostgresGrainStorage(PostgresDatabase database) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.ListAsync(
            "SELECT etag, payload FROM grain_state WHERE grain_type = $1 AND grain_id = $2 AND state_name = $3",
            r => (ETag: r.GetString(0), Payload: r.GetString(1)), CancellationToken.None, grainId.Type.ToString(), grainId.Key.ToString(), stateName);
        if (rows.Count == 0)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(rows[0].Payload, SqliteGrainStorage.JsonOptions)!;
        grainState.ETag = rows[0].ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Guid.NewGuid().ToString("N");
        var payload = JsonSerializer.Serialize(grainState.State, SqliteGrainStorage.JsonOptions);
        await using var connection = await database.OpenAsync();
        var changed = grainState.ETag is null
            ? await connection.ExecuteAsync(
                """
                INSERT INTO grain_state (grain_type, grain_id, state_name, etag, payload) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """,
                CancellationToken.None, grainId.Type.ToString(), grainId.Key.ToString(), stateName, etag, payload)
            : await connection.ExecuteAsync(
                "UPDATE grain_state SET etag = $4, payload = $5 WHERE grain_type = $1 AND grain_id = $2 AND state_name = $3 AND etag = $6",
                CancellationToken.None, grainId.Type.ToString(), grainId.Key.ToString(), stateName, etag, payload, grainState.ETag);
        if (changed == 0)
        {
            throw new InconsistentStateException(
                $"The stored state '{stateName}' of {grainId} changed since it was read.", grainState.ETag ?? "", "(unknown)");
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM grain_state WHERE grain_type = $1 AND grain_id = $2 AND state_name = $3",
            CancellationToken.None, grainId.Type.ToString(), grainId.Key.ToString(), stateName);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = default!;
    }
}
