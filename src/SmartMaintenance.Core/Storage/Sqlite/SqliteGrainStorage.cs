using System.Text.Json;

using Orleans.Runtime;
using Orleans.Storage;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>
/// Orleans grain state in the embedded database, as JSON, with an ETag per row for optimistic concurrency: a write
/// based on a stale read fails instead of overwriting another activation's state.
/// </summary>
public sealed class SqliteGrainStorage(SqliteDatabase database) : IGrainStorage
{
    /// <summary>How states are written: NaN and infinities allowed (a detector part without an opinion yet holds NaN).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.ListAsync(
            "SELECT etag, payload FROM grain_state WHERE grain_type = $type AND grain_id = $id AND state_name = $name",
            r => (ETag: r.GetString(0), Payload: r.GetString(1)), CancellationToken.None, Key(stateName, grainId));
        if (rows.Count == 0)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(rows[0].Payload, JsonOptions)!;
        grainState.ETag = rows[0].ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync();
        var payload = JsonSerializer.Serialize(grainState.State, JsonOptions);
        var changed = grainState.ETag is null
            ? await connection.ExecuteAsync(
                """
                INSERT INTO grain_state (grain_type, grain_id, state_name, etag, payload) VALUES ($type, $id, $name, $etag, $payload)
                ON CONFLICT DO NOTHING
                """,
                CancellationToken.None, [.. Key(stateName, grainId), ("$etag", etag), ("$payload", payload)])
            : await connection.ExecuteAsync(
                """
                UPDATE grain_state SET etag = $etag, payload = $payload
                WHERE grain_type = $type AND grain_id = $id AND state_name = $name AND etag = $expected
                """,
                CancellationToken.None, [.. Key(stateName, grainId), ("$etag", etag), ("$payload", payload), ("$expected", grainState.ETag)]);
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
        await connection.ExecuteAsync("DELETE FROM grain_state WHERE grain_type = $type AND grain_id = $id AND state_name = $name",
            CancellationToken.None, Key(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = default!;
    }

    private static (string, object?)[] Key(string stateName, GrainId grainId) =>
        [("$type", grainId.Type.ToString()), ("$id", grainId.Key.ToString()), ("$name", stateName)];
}
