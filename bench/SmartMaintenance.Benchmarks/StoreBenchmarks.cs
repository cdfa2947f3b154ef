using BenchmarkDotNet.Attributes;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Benchmarks;

/// <summary>
/// Durable append of one 1000-reading batch (insert, duplicate check, minute and hour roll-ups, fsync'd commit),
/// against a bare prepared-statement insert loop of the same rows in one transaction: the ceiling.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private string _folder = "";
    private SqliteDatabase _database = null!;
    private SqliteReadingStore _store = null!;
    private SqliteConnection _bare = null!;
    private readonly Reading[] _batch = new Reading[1000];
    private readonly bool[] _inserted = new bool[1000];
    private long _next = UnixMicros.From(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("smx-bench-").FullName;
        _database = new SqliteDatabase(_folder, NullLogger<SqliteDatabase>.Instance);
        _database.Migrate();
        _store = new SqliteReadingStore(_database, NullLogger<SqliteReadingStore>.Instance);
        _bare = _database.Open();
        BareInsertLoop.CreateTable(_bare);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _bare.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private void NextBatch()
    {
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = new Reading(1 + (i % 10), _next + (i / 10 * 1000), i, ReadingQuality.Good);
        }

        _next += 100_000;
    }

    [Benchmark(Baseline = true)]
    public void BarePreparedInsertLoop()
    {
        NextBatch();
        BareInsertLoop.Insert(_bare, _batch);
    }

    [Benchmark]
    public Task StoreAppendWithRollups()
    {
        NextBatch();
        return _store.AppendAsync(1, _batch, _inserted, default);
    }
}
