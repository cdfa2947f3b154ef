using Npgsql;

using SmartMaintenance.Domain;

using static SmartMaintenance.Storage.Postgres.PostgresCommands;

namespace SmartMaintenance.Storage.Postgres;

/// <summary>Webhook subscriptions and their delivery log in PostgreSQL.</summary>
public sealed class PostgresWebhookStore(PostgresDatabase database) : IWebhookStore
{
    public async Task<Webhook> AddAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO webhooks (tenant_id, url, secret, event_types, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            webhook.TenantId, webhook.Url.ToString(), webhook.Secret, webhook.EventTypes.ToArray(), Utc(webhook.CreatedAt));
        return webhook with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT id, tenant_id, url, secret, event_types, created_at FROM webhooks WHERE tenant_id = $1 ORDER BY id",
            r => new Webhook(r.GetInt64(0), r.GetInt64(1), new Uri(r.GetString(2)), r.GetString(3), r.GetFieldValue<string[]>(4), r.GetTime(5)),
            cancellationToken, tenantId);
    }

    public async Task<bool> DeleteAsync(long tenantId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2", cancellationToken, tenantId, id) > 0;
    }

    public async Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            // The webhook may have been deleted meanwhile; its log goes with it.
            await connection.ExecuteAsync(
                """
                INSERT INTO webhook_deliveries (webhook_id, event_seq, event_type, status, attempts, error, at)
                SELECT $1, $2, $3, $4::integer, $5, $6::text, $7 WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $1)
                """,
                cancellationToken, delivery.WebhookId, delivery.EventSequence, delivery.EventType, delivery.Status, delivery.Attempts,
                delivery.Error, Utc(delivery.At));
        }
        catch (PostgresException ex) when (ex.SqlState == ForeignKeyViolation)
        {
            // Deleted between the check and the insert (SQLite's single writer cannot see that): the same answer, nothing kept.
        }
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long tenantId, long webhookId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT d.id, d.webhook_id, d.event_seq, d.event_type, d.status, d.attempts, d.error, d.at
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE w.tenant_id = $1 AND d.webhook_id = $2 ORDER BY d.id DESC LIMIT $3
            """,
            Read, cancellationToken, tenantId, webhookId, limit);
    }

    private static WebhookDelivery Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt32(5),
        r.GetNullableString(6), r.GetTime(7));
}
