using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>The append-only, hash-chained audit trail: every agent event and every human decision.</summary>
public interface IEventLog
{
    /// <summary>Appends the events in order, each chained to the one before; returns them as stored.</summary>
    Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>A tenant's entries in append order, optionally only one correlation id's, after a sequence number.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(
        long tenantId, string? correlationId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>A tenant's newest entries of the given types, newest first (the bell's history).</summary>
    Task<IReadOnlyList<AuditEntry>> ListLatestAsync(long tenantId, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Re-computes the whole chain and names the first entry that does not hold. For a tenant (not null) it counts that
    /// tenant's entries only and names a broken entry only when it is the tenant's own: the chain is shared, so another
    /// tenant's broken entry makes the trail invalid for everyone but is not described.
    /// </summary>
    Task<AuditVerification> VerifyAsync(long? tenantId, CancellationToken cancellationToken);
}

public interface IDeadLetterStore
{
    Task<DeadLetter> AddAsync(DeadLetter letter, CancellationToken cancellationToken);
    Task<IReadOnlyList<DeadLetter>> ListAsync(long tenantId, bool includeReplayed, int limit, CancellationToken cancellationToken);
    Task<DeadLetter?> FindAsync(long tenantId, long id, CancellationToken cancellationToken);

    /// <summary>Records a replay: successful when <paramref name="error"/> is null, otherwise the letter stays open.</summary>
    Task MarkReplayedAsync(long id, DateTimeOffset at, string? error, CancellationToken cancellationToken);
}

public interface IWebhookStore
{
    Task<Webhook> AddAsync(Webhook webhook, CancellationToken cancellationToken);
    Task<IReadOnlyList<Webhook>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(long tenantId, long id, CancellationToken cancellationToken);
    Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long tenantId, long webhookId, int limit, CancellationToken cancellationToken);
}
