using System.Collections.Concurrent;
using System.Diagnostics;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>
/// The queue between appenders and a reading store's single writer (group commit): appenders enqueue their batch and
/// wait; the writer takes every batch waiting, up to a number of rows, and writes them in one transaction.
/// </summary>
internal sealed class ReadingWriteQueue : IDisposable
{
    private readonly BlockingCollection<ReadingWriteRequest> _queue = new(new ConcurrentQueue<ReadingWriteRequest>());

    /// <summary>Why appends fail once the writer stopped on an error; null while it runs.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Queues a batch; the task completes once it is durable (or failed). It is not cancelled once queued.</summary>
    public Task EnqueueAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted)
    {
        if (inserted.Length < readings.Length)
        {
            throw new ArgumentException("One flag per reading is needed.", nameof(inserted));
        }

        if (readings.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var request = new ReadingWriteRequest(tenantId, readings, inserted);
        try
        {
            _queue.Add(request, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            throw new InvalidOperationException("The readings store is closed, or its writer failed (see the log).", Failure ?? ex);
        }

        return request.Done.Task;
    }

    /// <summary>Waits for a batch, then adds it and the batches behind it, up to <paramref name="maxRows"/>; false once closed.</summary>
    public bool TakeGroup(List<ReadingWriteRequest> group, int maxRows, out int rows)
    {
        rows = 0;
        if (!_queue.TryTake(out var first, Timeout.Infinite, CancellationToken.None))
        {
            return false;
        }

        group.Add(first);
        rows = first.Readings.Length;
        while (rows < maxRows && _queue.TryTake(out var request))
        {
            group.Add(request);
            rows += request.Readings.Length;
        }

        return true;
    }

    /// <summary>No more appends; the writer drains what is queued, then <see cref="TakeGroup"/> answers false.</summary>
    public void Complete() => _queue.CompleteAdding();

    /// <summary>The writer cannot run: fails every waiting append, and every later one with <paramref name="failure"/>.</summary>
    public void Fail(Exception failure)
    {
        Failure = failure;
        _queue.CompleteAdding();
        while (_queue.TryTake(out var request))
        {
            request.Done.TrySetException(failure);
        }
    }

    /// <summary>Call once the writer stopped.</summary>
    public void Dispose() => _queue.Dispose();

    /// <summary>One transaction serves many requests: its activity links to each request's trace.</summary>
    public static Activity? StartActivity(List<ReadingWriteRequest> group, int rows)
    {
        var activity = Telemetry.Storage.HasListeners()
            ? Telemetry.Storage.StartActivity("store readings", ActivityKind.Internal, default(ActivityContext),
                links: group.Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)))
            : null;
        activity?.SetTag("smx.readings", rows);
        return activity;
    }
}

internal sealed class ReadingWriteRequest(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted)
{
    public ActivityContext Trace { get; } = Activity.Current?.Context ?? default;

    public long TenantId { get; } = tenantId;
    public ReadOnlyMemory<Reading> Readings { get; } = readings;
    public Memory<bool> Inserted { get; } = inserted;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One reading of a group with where it came from: its request, and its position there.</summary>
internal readonly record struct PendingRow(Reading Reading, long TenantId, int Request, int Index);

/// <summary>A writer's rows of its current group, reused from group to group, in the order sent (request, then position).</summary>
internal sealed class PendingRows
{
    public PendingRow[] Rows { get; private set; } = new PendingRow[4096];

    /// <summary>Lists the group's rows; returns how many.</summary>
    public int Fill(List<ReadingWriteRequest> requests)
    {
        var count = 0;
        foreach (var request in requests)
        {
            count += request.Readings.Length;
        }

        if (Rows.Length < count)
        {
            Rows = new PendingRow[Math.Max(count, Rows.Length * 2)];
        }

        var n = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var readings = requests[r].Readings.Span;
            for (var i = 0; i < readings.Length; i++)
            {
                Rows[n++] = new PendingRow(readings[i], requests[r].TenantId, r, i);
            }
        }

        return count;
    }

    /// <summary>
    /// Lists the group's rows sorted by key (sensor, then timestamp); among equal keys the earliest sent comes first.
    /// Writing in key order puts consecutive rows on the same index page, and makes two writers lock keys in the same
    /// order. Returns how many rows.
    /// </summary>
    public int FillSortedByKey(List<ReadingWriteRequest> requests)
    {
        var count = Fill(requests);
        Rows.AsSpan(0, count).Sort(static (a, b) =>
        {
            var c = a.Reading.SensorKey.CompareTo(b.Reading.SensorKey);
            c = c != 0 ? c : a.Reading.TimestampMicros.CompareTo(b.Reading.TimestampMicros);
            c = c != 0 ? c : a.Request.CompareTo(b.Request);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        return count;
    }
}
