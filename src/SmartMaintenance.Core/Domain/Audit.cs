namespace SmartMaintenance.Domain;

/// <summary>Something that happened, about to be appended to the audit trail.</summary>
public sealed record AuditEvent(long TenantId, string Type, string CorrelationId, string Actor, string Payload);

/// <summary>
/// One entry of the append-only audit trail. <see cref="Hash"/> covers every field and the previous entry's hash,
/// so altering, removing or reordering any entry breaks the chain from there on.
/// </summary>
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
