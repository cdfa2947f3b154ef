using System.Diagnostics.Metrics;

namespace SmartMaintenance.Server.Ui;

/// <summary>
/// Live rates for the UI from the platform's own counters (the ones Prometheus scrapes): readings stored and anomalies
/// raised, sampled once a second. One per process; counts every tenant (the UI shows it as the node's throughput).
/// </summary>
internal sealed class LiveRates : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private long _readings;
    private long _anomalies;
    // Totals of the last five samples: the rate is their average, steady even when a stream ticks unevenly.
    private readonly long[] _samples = new long[5];
    private int _next;

    public LiveRates(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is "smx.readings.accepted" or "smx.agents.anomalies_detected")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "smx.readings.accepted")
            {
                Interlocked.Add(ref _readings, value);
            }
            else
            {
                Interlocked.Add(ref _anomalies, value);
            }
        });
    }

    /// <summary>Readings stored per second, averaged over the last five seconds.</summary>
    public long ReadingsPerSecond { get; private set; }

    public long ReadingsTotal => Interlocked.Read(ref _readings);

    public long AnomaliesTotal => Interlocked.Read(ref _anomalies);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        _timer = _time.CreateTimer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _listener.Dispose();
    }

    private void Sample()
    {
        var total = ReadingsTotal;
        var oldest = _samples[_next];
        _samples[_next] = total;
        _next = (_next + 1) % _samples.Length;
        ReadingsPerSecond = (total - oldest) / _samples.Length;
    }
}
