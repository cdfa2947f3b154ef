using System.IO.Pipelines;
using System.Text;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Tests.Storage;

public sealed class ReadingsCsvWriterTests : IAsyncLifetime
{
    private const int Rows = 60_000;
    private static readonly long T0 = UnixMicros.From(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly TempReadingStore _readings = new();
    private readonly Sensor _sensor = new(1, 1, "pump-1-temp", "pump-1", "temperature", "°C", 0, 100, 1, false, default);

    public async Task InitializeAsync()
    {
        var batch = Enumerable.Range(0, Rows).Select(i => new Reading(1, T0 + (i * 1_000_000L), 20 + (i % 10), ReadingQuality.Good)).ToArray();
        await _readings.Store.AppendAsync(1, batch, new bool[batch.Length], default);
    }

    public async Task DisposeAsync() => await _readings.DisposeAsync();

    [Fact]
    public async Task Every_row_is_written_as_utf8_csv_oldest_first()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var written = await ReadingsCsvWriter.WriteAsync(pipe.Writer, _readings.Store, 1, _sensor, long.MinValue, long.MaxValue, default);
        await pipe.Writer.CompleteAsync();
        using var text = new StreamReader(pipe.Reader.AsStream(), Encoding.UTF8);
        var lines = (await text.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(written);
        Assert.Equal(Rows + 1, lines.Length);
        Assert.Equal("sensor_id,timestamp,value,unit,quality", lines[0]);
        Assert.Equal("pump-1-temp,2026-11-25T10:00:00.000000Z,20,°C,good", lines[1]);
        Assert.Equal($"pump-1-temp,{DateTimeOffset.FromUnixTimeMilliseconds((T0 / 1000) + ((Rows - 1) * 1000L)).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}.000000Z,29,°C,good", lines[^1]);
    }

    [Fact]
    public async Task A_reader_that_goes_away_stops_the_export_at_the_next_flush()
    {
        // As on a slow connection that closes: the writer waits for the reader past 64 KiB; once the reader is done,
        // writes still succeed and go nowhere.
        var pipe = new Pipe();
        var counting = new CountingReadingStore(_readings.Store);
        var reader = Task.Run(async () =>
        {
            var result = await pipe.Reader.ReadAsync();
            pipe.Reader.AdvanceTo(result.Buffer.End);
            await pipe.Reader.CompleteAsync();
        });

        var written = await ReadingsCsvWriter.WriteAsync(pipe.Writer, counting, 1, _sensor, long.MinValue, long.MaxValue, default);
        await reader;

        Assert.False(written);
        Assert.True(counting.RowsRead < Rows / 2, $"{counting.RowsRead} of {Rows} rows were read for a reader that had gone");
    }

    /// <summary>The real store, counting the rows handed out.</summary>
    private sealed class CountingReadingStore(IReadingStore inner) : IReadingStore
    {
        public int RowsRead { get; private set; }

        public Task AppendAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted, CancellationToken cancellationToken) =>
            inner.AppendAsync(tenantId, readings, inserted, cancellationToken);

        public Task<IReadOnlyList<Reading>> QueryAsync(long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken) =>
            inner.QueryAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, cancellationToken);

        public async Task<IReadOnlyList<Reading>> QueryOldestFirstAsync(long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken)
        {
            var page = await inner.QueryOldestFirstAsync(tenantId, sensorKey, fromMicros, beforeMicros, limit, cancellationToken);
            RowsRead += page.Count;
            return page;
        }

        public Task<IReadOnlyList<RollupPoint>> SeriesAsync(long tenantId, long sensorKey, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken) =>
            inner.SeriesAsync(tenantId, sensorKey, resolution, fromMicros, toMicros, cancellationToken);

        public Task<IReadOnlyList<RollupPoint>[]> SeriesOfSensorsAsync(
            long tenantId, IReadOnlyList<long> sensorKeys, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken) =>
            inner.SeriesOfSensorsAsync(tenantId, sensorKeys, resolution, fromMicros, toMicros, cancellationToken);
    }
}
