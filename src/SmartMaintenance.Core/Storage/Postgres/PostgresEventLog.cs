using System.Data;

using Npgsql;

using SmartMaintenance.Domain;
using SmartMaintenance.Maintenance;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>
/// The audit trail in PostgreSQL, one chain for every node: an append takes a transaction-level advisory lock before
/// it reads the head, so appenders queue and each chains to the last committed entry; the entries and the new head are
/// written in the same transaction. Hashes are those of the SQLite trail (<see cref="AuditChain"/>).
/// </summary>
public sealed class PostgresEventLog(PostgresDatabase database, TimeProvider time) : IEventLog
{
    /// <summary>The advisory lock key appenders hold until they commit (any fixed number the application does not use otherwise).</summary>
    private const long AppendLock = 0x534D585F41554454; // "SMX_AUDT"

    private const string Columns = "seq, at, tenant_id, type, correlation_id, actor, payload, prev_hash, hash";

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (sequence, previous) = await LockAndReadHeadAsync(connection, cancellationToken);
        var at = UnixMicros.From(time.GetUtcNow());
        var appended = new List<AuditEntry>(events.Count);
        foreach (var e in events)
        {
            sequence++;
            var hash = AuditChain.Hash(sequence, at, e, previous);
            appended.Add(new AuditEntry(sequence, UnixMicros.ToDateTimeOffset(at), e.TenantId, e.Type, e.CorrelationId, e.Actor,
                e.Payload, previous, hash));
            previous = hash;
        }

        // Every entry and the new head in one statement.
        await connection.ExecuteAsync(
            $"""
            WITH appended AS (
                INSERT INTO audit_events ({Columns})
                SELECT seq, $2, tenant_id, type, correlation_id, actor, payload, prev_hash, hash
                FROM unnest($1::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                    AS e(seq, tenant_id, type, correlation_id, actor, payload, prev_hash, hash))
            INSERT INTO audit_head (id, seq, hash) VALUES (1, $10, $11)
            ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
            """,
            cancellationToken,
            appended.Select(e => e.Sequence).ToArray(), Utc(UnixMicros.ToDateTimeOffset(at)), appended.Select(e => e.TenantId).ToArray(),
            appended.Select(e => e.Type).ToArray(), appended.Select(e => e.CorrelationId).ToArray(), appended.Select(e => e.Actor).ToArray(),
            appended.Select(e => e.Payload).ToArray(), appended.Select(e => e.PreviousHash).ToArray(), appended.Select(e => e.Hash).ToArray(),
            sequence, previous);
        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(
        long tenantId, string? correlationId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return correlationId is null
            ? await connection.ListAsync($"SELECT {Columns} FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                Read, cancellationToken, tenantId, afterSequence, limit)
            : await connection.ListAsync(
                $"SELECT {Columns} FROM audit_events WHERE tenant_id = $1 AND correlation_id = $4 AND seq > $2 ORDER BY seq LIMIT $3",
                Read, cancellationToken, tenantId, afterSequence, limit, correlationId);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListLatestAsync(
        long tenantId, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken)
    {
        if (types.Count == 0)
        {
            return [];
        }

        // One backward range scan of the (tenant, type, seq) index per type, each at most the limit: cheap however long the trail.
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            $"""
            SELECT e.* FROM unnest($2::text[]) AS t(type)
            CROSS JOIN LATERAL (
                SELECT {Columns} FROM audit_events WHERE tenant_id = $1 AND type = t.type ORDER BY seq DESC LIMIT $3) AS e
            ORDER BY e.seq DESC LIMIT $3
            """,
            Read, cancellationToken, tenantId, types.ToArray(), limit);
    }

    public async Task<AuditVerification> VerifyAsync(long? tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // One snapshot: the chain and the head are checked as of the same moment, even while others append.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var (headSequence, headHash) = await ReadHeadAsync(connection, cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM audit_events ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var check = new AuditTrailCheck(tenantId);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (check.Next(Read(reader)) is { } broken)
            {
                return broken;
            }
        }

        return check.End(headSequence, headHash);
    }

    /// <summary>
    /// Waits for the append lock, then reads the head; two statements (one batch), because a statement's snapshot is
    /// taken when it starts: read together, the head could predate the commit of the appender just ahead.
    /// </summary>
    private static async Task<(long Sequence, string Hash)> LockAndReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter { Value = AppendLock } } },
                new NpgsqlBatchCommand("SELECT seq, hash FROM audit_head WHERE id = 1"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.Genesis);
    }

    private static async Task<(long Sequence, string Hash)> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var head = await connection.ListAsync("SELECT seq, hash FROM audit_head WHERE id = 1", r => (r.GetInt64(0), r.GetString(1)), cancellationToken);
        return head.Count == 0 ? (0, AuditChain.Genesis) : head[0];
    }

    private static AuditEntry Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetTime(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetString(7), r.GetString(8));
}
