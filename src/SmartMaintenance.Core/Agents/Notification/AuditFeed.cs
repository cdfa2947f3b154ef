using System.Collections.Immutable;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Notification;

/// <summary>
/// Every audit entry as it is appended, for whoever listens in this process (the Notification agent, the live UI):
/// the entries this node appended, and, when nodes cluster, those other nodes appended (relayed by
/// <see cref="ClusterFeedRelay"/>). Listeners must be quick and must not throw; slow work belongs behind a queue of
/// their own.
/// </summary>
public sealed class AuditFeed
{
    private ImmutableArray<Action<AuditEntry, bool>> _listeners = [];

    /// <summary>Every entry, wherever it was appended.</summary>
    public IDisposable Subscribe(Action<AuditEntry> listener) => Subscribe((entry, _) => listener(entry));

    /// <summary>Every entry, with whether this node appended it (false: another node did, and told this one).</summary>
    public IDisposable Subscribe(Action<AuditEntry, bool> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, list => list.Add(listener));
        return new Subscription(() => ImmutableInterlocked.Update(ref _listeners, list => list.Remove(listener)));
    }

    /// <summary>Entries this node just appended.</summary>
    public void Publish(IReadOnlyList<AuditEntry> entries) => Publish(entries, appendedHere: true);

    /// <summary>Entries another node appended.</summary>
    public void PublishFromPeer(IReadOnlyList<AuditEntry> entries) => Publish(entries, appendedHere: false);

    private void Publish(IReadOnlyList<AuditEntry> entries, bool appendedHere)
    {
        var listeners = _listeners;
        foreach (var entry in entries)
        {
            foreach (var listener in listeners)
            {
                listener(entry, appendedHere);
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
