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
        using var command = _bare.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; CREATE TABLE bare (sensor_key INTEGER, ts INTEGER, value REAL, quality INTEGER, tenant_id INTEGER, PRIMARY KEY (sensor_key, ts)) WITHOUT ROWID;";
        command.ExecuteNonQuery();
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
        using var transaction = _bare.BeginTransaction();
        using var insert = _bare.CreateCommand();
        insert.CommandText = "INSERT INTO bare VALUES ($s, $t, $v, $q, 1)";
        var s = insert.Parameters.Add("$s", SqliteType.Integer);
        var t = insert.Parameters.Add("$t", SqliteType.Integer);
        var v = insert.Parameters.Add("$v", SqliteType.Real);
        var q = insert.Parameters.Add("$q", SqliteType.Integer);
        insert.Prepare();
        foreach (var reading in _batch)
        {
            s.Value = reading.SensorKey;
            t.Value = reading.TimestampMicros;
            v.Value = reading.Value;
            q.Value = (int)reading.Quality;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [Benchmark]
    public Task StoreAppendWithRollups()
    {
        NextBatch();
        return _store.AppendAsync(1, _batch, _inserted, default);
    }
}
