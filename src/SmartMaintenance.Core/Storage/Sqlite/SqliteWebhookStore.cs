using System.Text.Json;

using Microsoft.Data.Sqlite;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Sqlite;

/// <summary>Webhook subscriptions and their delivery log in SQLite.</summary>
public sealed class SqliteWebhookStore(SqliteDatabase database) : IWebhookStore
{
    public async Task<Webhook> AddAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO webhooks (tenant_id, url, secret, event_types, created_at) VALUES ($t, $url, $secret, $types, $at) RETURNING id",
            ("$t", webhook.TenantId), ("$url", webhook.Url.ToString()), ("$secret", webhook.Secret),
            ("$types", JsonSerializer.Serialize(webhook.EventTypes)), ("$at", UnixMicros.From(webhook.CreatedAt)));
        return webhook with { Id = (long)(await command.ExecuteScalarAsync(cancellationToken))! };
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(long tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            "SELECT id, tenant_id, url, secret, event_types, created_at FROM webhooks WHERE tenant_id = $t ORDER BY id",
            r => new Webhook(r.GetInt64(0), r.GetInt64(1), new Uri(r.GetString(2)), r.GetString(3),
                JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [], r.GetTime(5)),
            cancellationToken, ("$t", tenantId));
    }

    public async Task<bool> DeleteAsync(long tenantId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM webhooks WHERE tenant_id = $t AND id = $id", cancellationToken,
            ("$t", tenantId), ("$id", id)) > 0;
    }

    public async Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The webhook may have been deleted meanwhile; its log goes with it.
        await connection.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (webhook_id, event_seq, event_type, status, attempts, error, at)
            SELECT $hook, $seq, $type, $status, $attempts, $error, $at WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = $hook)
            """,
            cancellationToken, ("$hook", delivery.WebhookId), ("$seq", delivery.EventSequence), ("$type", delivery.EventType),
            ("$status", delivery.Status), ("$attempts", delivery.Attempts), ("$error", delivery.Error), ("$at", UnixMicros.From(delivery.At)));
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long tenantId, long webhookId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ListAsync(
            """
            SELECT d.id, d.webhook_id, d.event_seq, d.event_type, d.status, d.attempts, d.error, d.at
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE w.tenant_id = $t AND d.webhook_id = $hook ORDER BY d.id DESC LIMIT $limit
            """,
            Read, cancellationToken, ("$t", tenantId), ("$hook", webhookId), ("$limit", limit));
    }

    private static WebhookDelivery Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt32(5),
        r.GetNullableString(6), r.GetTime(7));
}
