using System.Buffers;
using System.Globalization;
using System.IO.Compression;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage.Retention;

/// <summary>
/// The raw readings one run removes for a tenant, as gzipped CSV in the columns CSV ingestion reads (so they can be
/// imported again), at <c>retention/{tenant id}/readings_before_{cut-off}_{run}.csv.gz</c> in the data folder. Each
/// <see cref="WriteAsync"/> is compressed, flushed and synced to disk before it returns: the deletion it precedes commits
/// only after, so a crash in between loses nothing (at worst the next run exports those readings again).
/// </summary>
public sealed class DroppedReadingsFile : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Dictionary<long, SensorCsvLines> _sensors;

    private DroppedReadingsFile(string path, IReadOnlyDictionary<long, Sensor> sensors)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _gzip = new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true);
        _sensors = sensors.ToDictionary(s => s.Key, s => new SensorCsvLines(s.Value));
        _gzip.Write(ReadingsCsvWriter.Header);
    }

    /// <summary>The file's path relative to the data folder, with forward slashes.</summary>
    public required string RelativePath { get; init; }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Creates the tenant's file for a run.</summary>
    /// <param name="dataDir">The data folder.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="rawCutoff">The run's raw cut-off (in the name).</param>
    /// <param name="runAt">When the run started (in the name, so two runs never share a file).</param>
    /// <param name="sensors">The tenant's sensors by key, for the sensor id and unit of each line.</param>
    public static DroppedReadingsFile Create(string dataDir, long tenantId, DateTimeOffset rawCutoff, DateTimeOffset runAt,
        IReadOnlyDictionary<long, Sensor> sensors)
    {
        var relative = string.Create(CultureInfo.InvariantCulture,
            $"retention/{tenantId}/readings_before_{rawCutoff.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}_{runAt.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}.csv.gz");
        return new DroppedReadingsFile(Path.Combine(dataDir, relative), sensors) { RelativePath = relative };
    }

    /// <summary>Appends the readings and makes them durable.</summary>
    /// <param name="readings">Readings of the tenant's sensors.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public async ValueTask WriteAsync(IReadOnlyList<Reading> readings, CancellationToken cancellationToken)
    {
        foreach (var reading in readings)
        {
            // A sensor deleted from the catalog meanwhile has no id left: its key stands in.
            var lines = _sensors.TryGetValue(reading.SensorKey, out var known) ? known : Unknown(reading.SensorKey);
            lines.Write(_buffer, reading);
        }

        await _gzip.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _buffer.Clear();
        await _gzip.FlushAsync(cancellationToken);
        _file.Flush(flushToDisk: true);
        Rows += readings.Count;
    }

    private static SensorCsvLines Unknown(long key) => new(new Sensor(key, 0, $"#{key}", null, "unknown", "", null, null, 1, false, DateTimeOffset.UnixEpoch));

    public async ValueTask DisposeAsync()
    {
        await _gzip.DisposeAsync();
        _file.Flush(flushToDisk: true);
        await _file.DisposeAsync();
    }
}
