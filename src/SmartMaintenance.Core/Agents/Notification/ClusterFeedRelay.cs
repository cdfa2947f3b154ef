using System.Collections.Immutable;
using System.Threading.Channels;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Orleans.Concurrency;
using Orleans.Runtime;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Notification;

/// <summary>A node's door for audit entries other nodes appended: an Orleans grain observer each node creates once.</summary>
public interface INodeFeed : IGrainObserver
{
    /// <summary>
    /// Entries appended on another node. Awaited, one batch at a time per sender and receiver, so a node publishes a
    /// sender's entries in the order they were appended (one-way calls reached a node out of order); each receiver has its
    /// own lane at the sender, so a slow or dead node holds up only its own.
    /// </summary>
    Task ReceiveAsync(ImmutableArray<AuditEntry> entries);
}

/// <summary>The cluster's list of node feeds (one activation, key 0), rebuilt from the nodes' periodic registrations.</summary>
public interface INodeFeedDirectory : IGrainWithIntegerKey
{
    /// <summary>Records (or renews) <paramref name="node"/>'s feed and answers the feeds of the other live nodes.</summary>
    Task<ImmutableArray<INodeFeed>> RegisterAsync(SiloAddress node, INodeFeed feed);

    /// <summary>The feeds of the live nodes other than <paramref name="node"/>.</summary>
    [ReadOnly]
    Task<ImmutableArray<INodeFeed>> PeersOfAsync(SiloAddress node);

    /// <summary>Forgets <paramref name="node"/>'s feed (the node is stopping).</summary>
    Task UnregisterAsync(SiloAddress node);
}

/// <summary>
/// Held in memory only: when its node dies the directory activates on another node empty, and fills again within one
/// registration period. Feeds of nodes the membership no longer counts as live are dropped at every registration.
/// </summary>
internal sealed class NodeFeedDirectoryGrain(IClusterMembershipService membership) : Grain, INodeFeedDirectory
{
    private readonly Dictionary<SiloAddress, INodeFeed> _feeds = [];

    public Task<ImmutableArray<INodeFeed>> RegisterAsync(SiloAddress node, INodeFeed feed)
    {
        _feeds[node] = feed;
        var snapshot = membership.CurrentSnapshot;
        foreach (var gone in _feeds.Keys.Where(s => snapshot.GetSiloStatus(s) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping).ToList())
        {
            _feeds.Remove(gone);
        }

        return PeersOfAsync(node);
    }

    public Task<ImmutableArray<INodeFeed>> PeersOfAsync(SiloAddress node) =>
        Task.FromResult(_feeds.Where(f => !f.Key.Equals(node)).Select(f => f.Value).ToImmutableArray());

    public Task UnregisterAsync(SiloAddress node)
    {
        _feeds.Remove(node);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Carries audit entries between nodes, so a browser or a SignalR client connected to any node sees events that happened
/// on every node, and per-node caches (sensors, detector settings, models) hear of changes made elsewhere. Per-node
/// grain observers registered in a directory grain (the pattern of Orleans' GPSTracker sample) rather than a SignalR
/// backplane: Orleans already connects the nodes, so no other server is needed. Entries this node appends are sent to
/// every other node in batches, in the order appended, through one lane per receiving node; entries other nodes send are
/// published on this node's feed as not appended here, so the Notification agent pushes them live but does not deliver
/// them to webhooks again. Delivery between nodes is best effort (bounded queues): live views may miss an entry while a
/// node joins or dies, the audit trail never does.
/// </summary>
public sealed class ClusterFeedRelay(IGrainFactory grains, ILocalSiloDetails silo, AuditFeed feed, ILogger<ClusterFeedRelay> logger)
    : BackgroundService, INodeFeed
{
    /// <summary>How often a node renews its registration and learns the other nodes.</summary>
    public static readonly TimeSpan RegistrationPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old the list of other nodes may be when entries go out: a node that joined since is asked for first, so the
    /// entries of its first seconds are not lost to it.
    /// </summary>
    private static readonly TimeSpan PeersFreshFor = TimeSpan.FromSeconds(1);

    private const int BatchSize = 256;

    /// <summary>Batches waiting for one receiving node before the oldest are dropped (a node that stopped answering).</summary>
    private const int LaneCapacity = 1_000;

    private readonly Dictionary<GrainId, Channel<ImmutableArray<AuditEntry>>> _lanes = [];

    private readonly Channel<AuditEntry> _outgoing = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private IDisposable? _subscription;
    private INodeFeed? _self;
    private ImmutableArray<INodeFeed> _peers = [];
    private long _peersAt;
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether this node's feed is in the directory (other nodes can reach it): part of the node's readiness.</summary>
    public bool Registered => _registered.Task.IsCompleted;

    Task INodeFeed.ReceiveAsync(ImmutableArray<AuditEntry> entries)
    {
        feed.PublishFromPeer(entries);
        return Task.CompletedTask;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe((entry, appendedHere) =>
        {
            if (appendedHere)
            {
                _outgoing.Writer.TryWrite(entry);
            }
        });
        _self = grains.CreateObjectReference<INodeFeed>(this);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        try
        {
            await grains.GetGrain<INodeFeedDirectory>(0).UnregisterAsync(silo.SiloAddress).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Leaving the node feed directory failed; it drops this node when the membership does");
        }

        try
        {
            if (_self is not null)
            {
                grains.DeleteObjectReference<INodeFeed>(_self);
            }
        }
        catch (ArgumentException ex)
        {
            // The silo let go of its observers first (it is stopping too): nothing is left to delete.
            logger.LogDebug(ex, "This node's feed was already gone");
        }

        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RegisterLoopAsync(stoppingToken), SendLoopAsync(stoppingToken));

    private async Task RegisterLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RegistrationPeriod);
        do
        {
            try
            {
                _peers = await grains.GetGrain<INodeFeedDirectory>(0).RegisterAsync(silo.SiloAddress, _self!);
                _peersAt = Environment.TickCount64;
                _registered.TrySetResult();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Registering this node's feed failed; live events from other nodes wait for the next try");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>(BatchSize);
        while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < BatchSize && _outgoing.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            var entries = batch.ToImmutableArray();
            batch.Clear();
            if (Environment.TickCount64 - _peersAt > PeersFreshFor.TotalMilliseconds)
            {
                try
                {
                    _peers = await grains.GetGrain<INodeFeedDirectory>(0).PeersOfAsync(silo.SiloAddress);
                    _peersAt = Environment.TickCount64;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Asking for the other nodes failed; the last list serves");
                }
            }

            var peers = _peers;
            foreach (var peer in peers)
            {
                LaneOf(peer, stoppingToken).Writer.TryWrite(entries);
            }

            // A node no longer listed (dead, or stopped) loses its lane.
            foreach (var gone in _lanes.Keys.Where(id => peers.All(p => p.GetGrainId() != id)).ToList())
            {
                _lanes[gone].Writer.TryComplete();
                _lanes.Remove(gone);
            }
        }

        foreach (var lane in _lanes.Values)
        {
            lane.Writer.TryComplete();
        }
    }

    /// <summary>The receiving node's lane: its batches in order, each sent when the one before was received.</summary>
    private Channel<ImmutableArray<AuditEntry>> LaneOf(INodeFeed peer, CancellationToken stoppingToken)
    {
        if (_lanes.TryGetValue(peer.GetGrainId(), out var lane))
        {
            return lane;
        }

        lane = Channel.CreateBounded<ImmutableArray<AuditEntry>>(
            new BoundedChannelOptions(LaneCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
        _lanes[peer.GetGrainId()] = lane;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var entries in lane.Reader.ReadAllAsync(stoppingToken))
                {
                    try
                    {
                        await peer.ReceiveAsync(entries);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogDebug(ex, "Relaying {Count} entries to a node failed", entries.Length);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
        return lane;
    }
}
