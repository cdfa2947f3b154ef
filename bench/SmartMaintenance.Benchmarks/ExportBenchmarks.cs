using System.IO.Pipelines;

using BenchmarkDotNet.Attributes;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// The readings CSV export (the explorer's download and the API's export): 200,000 stored readings of one sensor,
/// read back in 10,000-row pages and written as UTF-8 CSV to a null stream.
/// </summary>
[MemoryDiagnoser]
public class ExportBenchmarks
{
    private const int Rows = 200_000;
    private string _folder = "";
    private SqliteDatabase _database = null!;
    private SqliteReadingStore _store = null!;
    private readonly Sensor _sensor = new(1, 1, "pump-1-vib", "pump-1", "vibration", "mm/s", 0, 10, 1, false, default);

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("smx-bench-").FullName;
        _database = new SqliteDatabase(_folder, NullLogger<SqliteDatabase>.Instance);
        _database.Migrate();
        _store = new SqliteReadingStore(_database, NullLogger<SqliteReadingStore>.Instance);
        var start = UnixMicros.From(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var batch = new Reading[10_000];
        for (var b = 0; b < Rows / batch.Length; b++)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                var n = (b * batch.Length) + i;
                batch[i] = new Reading(1, start + (n * 500_000L), 2.5 + Math.Sin(n / 100.0), ReadingQuality.Good);
            }

            _store.AppendAsync(1, batch, new bool[batch.Length], default).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public async Task ExportAllRows()
    {
        var writer = PipeWriter.Create(Stream.Null);
        await ReadingsCsvWriter.WriteAsync(writer, _store, 1, _sensor, long.MinValue, long.MaxValue, default);
        await writer.CompleteAsync();
    }
}
