namespace SmartMaintenance.Domain;

/// <summary>Something that happened, about to be appended to the audit trail.</summary>
public sealed record AuditEvent(long TenantId, string Type, string CorrelationId, string Actor, string Payload);

/// <summary>
/// One entry of the append-only audit trail. <see cref="Hash"/> covers every field and the previous entry's hash,
/// so altering, removing or reordering any entry breaks the chain from there on. Serializable by Orleans: nodes relay
/// entries to each other's live feeds.
/// </summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record AuditEntry(
    long Sequence, DateTimeOffset At, long TenantId, string Type, string CorrelationId, string Actor, string Payload,
    string PreviousHash, string Hash);

/// <summary>The result of re-computing the chain: valid, or the first entry that does not match.</summary>
public sealed record AuditVerification(bool Valid, long Checked, long? BrokenSequence, string? Problem);

/// <summary>
/// An agent step that kept failing after its retries, parked with what it was given and the last error, until an
/// operator replays it.
/// </summary>
public sealed record DeadLetter(
    long Id, long TenantId, string Step, string CorrelationId, string Payload, string Error, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? ReplayedAt, string? ReplayError);

/// <summary>
/// A tenant's subscription to audit events: each matching event is POSTed to <see cref="Url"/>, signed with
/// HMAC-SHA256 of the body under <see cref="Secret"/>. An empty <see cref="EventTypes"/> means every event.
/// </summary>
public sealed record Webhook(long Id, long TenantId, Uri Url, string Secret, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt)
{
    public bool Wants(string eventType) => EventTypes.Count == 0 || EventTypes.Contains(eventType);
}

/// <summary>One attempt series to deliver one event to one webhook: the last HTTP status (null when none came) and error.</summary>
public sealed record WebhookDelivery(
    long Id, long WebhookId, long EventSequence, string EventType, int? Status, int Attempts, string? Error, DateTimeOffset At);
