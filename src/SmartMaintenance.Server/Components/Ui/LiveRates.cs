using System.Diagnostics.Metrics;

using SmartMaintenance.Agents.Notification;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>
/// Live rates for the UI from the platform's own counters (the ones Prometheus scrapes) and the audit feed: readings
/// stored, readings judged by the agents, events written to the audit trail, anomalies raised; sampled once a second.
/// One per process; counts every tenant (the UI shows it as the node's throughput).
/// </summary>
internal sealed class LiveRates : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly AuditFeed _feed;
    private IDisposable? _subscription;
    private ITimer? _timer;
    private long _readings;
    private long _judged;
    private long _events;
    private long _anomalies;
    private readonly Rate _readingRate = new();
    private readonly Rate _judgedRate = new();
    private readonly Rate _eventRate = new();

    public LiveRates(TimeProvider time, AuditFeed feed)
    {
        _time = time;
        _feed = feed;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "smx.readings.accepted" or "smx.agents.readings_observed" or "smx.agents.anomalies_detected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "smx.readings.accepted":
                    Interlocked.Add(ref _readings, value);
                    break;
                case "smx.agents.readings_observed":
                    Interlocked.Add(ref _judged, value);
                    break;
                default:
                    Interlocked.Add(ref _anomalies, value);
                    break;
            }
        });
    }

    /// <summary>Readings stored per second, averaged over the last five seconds.</summary>
    public long ReadingsPerSecond => _readingRate.PerSecond;

    /// <summary>Readings the sensor agents judged per second (they keep up when this follows the stored rate).</summary>
    public long JudgedPerSecond => _judgedRate.PerSecond;

    /// <summary>Events written to the audit trail per second (the agents' and people's decisions).</summary>
    public long EventsPerSecond => _eventRate.PerSecond;

    public long ReadingsTotal => Interlocked.Read(ref _readings);

    public long AnomaliesTotal => Interlocked.Read(ref _anomalies);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        _subscription = _feed.Subscribe(_ => Interlocked.Increment(ref _events));
        _timer = _time.CreateTimer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _subscription?.Dispose();
        _listener.Dispose();
    }

    private void Sample()
    {
        _readingRate.Add(ReadingsTotal);
        _judgedRate.Add(Interlocked.Read(ref _judged));
        _eventRate.Add(Interlocked.Read(ref _events));
    }

    /// <summary>
    /// A counter's rate: the totals of the last five samples, the rate their average, steady even when a stream
    /// ticks unevenly. Written by the one-second timer only.
    /// </summary>
    private sealed class Rate
    {
        private readonly long[] _samples = new long[5];
        private int _next;

        public long PerSecond { get; private set; }

        public void Add(long total)
        {
            var oldest = _samples[_next];
            _samples[_next] = total;
            _next = (_next + 1) % _samples.Length;
            PerSecond = (total - oldest) / _samples.Length;
        }
    }
}
