using System.Diagnostics;
using System.Globalization;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Benchmarks.Load;

/// <summary>
/// The durable store without HTTP: concurrent appenders send the same 1000-reading batches as the batch mode
/// straight to <see cref="SqliteReadingStore"/>, so the store's own rate can be told apart from the host's.
/// </summary>
internal static class StoreLoad
{
    public static async Task RunAsync(LoadOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("smx-store-load-").FullName;
        try
        {
            var database = new SqliteDatabase(folder, NullLogger<SqliteDatabase>.Instance);
            database.Migrate();
            await using var store = new SqliteReadingStore(database, NullLogger<SqliteReadingStore>.Instance);
            long next = -1;
            long written = 0;
            using var stop = new CancellationTokenSource(options.Duration);
            var clock = Stopwatch.StartNew();
            var baseMicros = UnixMicros.From(LoadCommand.Base);
            var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
            {
                var batch = new Reading[options.BatchSize];
                var inserted = new bool[options.BatchSize];
                var steps = options.BatchSize / 10;
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        var sensor = 1 + ((n % 10) * 10) + (i % 10);
                        var at = baseMicros + (((n / 10 * steps) + (i / 10)) * 1_000_000);
                        batch[i] = new Reading(sensor, at, 20 + (i % 50), ReadingQuality.Good);
                    }

                    await store.AppendAsync(1, batch, inserted, default);
                    Interlocked.Add(ref written, batch.Length);
                }
            })).ToArray();
            await Task.WhenAll(workers);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store: {written} readings in {clock.Elapsed.TotalSeconds:0.0} s = {written / clock.Elapsed.TotalSeconds:0} readings/s durable " +
                $"(db {new FileInfo(database.FilePath).Length / 1048576} MiB, wal {new FileInfo(database.FilePath + "-wal").Length / 1048576} MiB)"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
