using System.Collections.Immutable;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Notification;

/// <summary>
/// Every audit entry as it is appended, for whoever listens in this process (the Notification agent, the live UI).
/// Listeners must be quick and must not throw; slow work belongs behind a queue of their own.
/// </summary>
public sealed class AuditFeed
{
    private ImmutableArray<Action<AuditEntry>> _listeners = [];

    public IDisposable Subscribe(Action<AuditEntry> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, list => list.Add(listener));
        return new Subscription(() => ImmutableInterlocked.Update(ref _listeners, list => list.Remove(listener)));
    }

    public void Publish(IReadOnlyList<AuditEntry> entries)
    {
        var listeners = _listeners;
        foreach (var entry in entries)
        {
            foreach (var listener in listeners)
            {
                listener(entry);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>The event log that also tells the feed about each entry once it is committed.</summary>
public sealed class PublishingEventLog(IEventLog inner, AuditFeed feed) : IEventLog
{
    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        var appended = await inner.AppendAsync(events, cancellationToken);
        feed.Publish(appended);
        return appended;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(long tenantId, string? correlationId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(tenantId, correlationId, afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ListLatestAsync(long tenantId, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken) =>
        inner.ListLatestAsync(tenantId, types, limit, cancellationToken);

    public Task<AuditVerification> VerifyAsync(long? tenantId, CancellationToken cancellationToken) => inner.VerifyAsync(tenantId, cancellationToken);
}
