using System.Diagnostics;
using System.Globalization;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

using Npgsql;

using NpgsqlTypes;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Postgres;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Benchmarks.Load;

/// <summary>
/// The durable store without HTTP: concurrent appenders send the same 1000-reading batches as the batch mode
/// straight to a reading store, so the store's own rate can be told apart from the host's. `--mode store` measures
/// <see cref="SqliteReadingStore"/> in a temporary folder; `--mode pg-store --postgres CONNECTION` measures
/// <see cref="PostgresReadingStore"/> on an empty database, after the ceiling of the same machine in the same run:
/// a bare loop of binary COPY batches into a table shaped like <c>readings</c> (no duplicate report, no roll-ups).
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
            var (written, elapsed) = await AppendAsync(store, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store: {written} readings in {elapsed.TotalSeconds:0.0} s = {written / elapsed.TotalSeconds:0} readings/s durable " +
                $"(db {new FileInfo(database.FilePath).Length / 1048576} MiB, wal {new FileInfo(database.FilePath + "-wal").Length / 1048576} MiB)"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task RunPostgresAsync(LoadOptions options, string connectionString, int writers)
    {
        await using var database = new PostgresDatabase(connectionString, NullLogger<PostgresDatabase>.Instance);
        await database.MigrateAsync();
        var (copied, copyElapsed) = await BareCopyAsync(database, options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ceiling (bare binary COPY, {options.Connections} connections): {copied} rows in {copyElapsed.TotalSeconds:0.0} s = {copied / copyElapsed.TotalSeconds:0} rows/s"));
        await using (var store = new PostgresReadingStore(database, TimeProvider.System, NullLogger<PostgresReadingStore>.Instance, writers))
        {
            var (written, elapsed) = await AppendAsync(store, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pg-store ({writers} writers): {written} readings in {elapsed.TotalSeconds:0.0} s = {written / elapsed.TotalSeconds:0} readings/s durable " +
                $"({written / elapsed.TotalSeconds / (copied / copyElapsed.TotalSeconds):0.00} of the ceiling)"));
        }

        await using var connection = await database.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*), (SELECT sum(count)::bigint FROM rollup_minute), pg_database_size(current_database()) FROM readings", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"  stored {reader.GetInt64(0)} readings, {reader.GetInt64(1)} counted by the minute roll-ups; database {reader.GetInt64(2) / 1048576} MiB");
    }

    /// <summary>Appends from <see cref="LoadOptions.Connections"/> concurrent workers for the options' duration.</summary>
    private static async Task<(long Written, TimeSpan Elapsed)> AppendAsync(IReadingStore store, LoadOptions options)
    {
        long next = -1;
        long written = 0;
        using var stop = new CancellationTokenSource(options.Duration);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
        {
            var batch = new Reading[options.BatchSize];
            var inserted = new bool[options.BatchSize];
            while (!stop.IsCancellationRequested)
            {
                Fill(batch, Interlocked.Increment(ref next));
                await store.AppendAsync(1, batch, inserted, default);
                Interlocked.Add(ref written, batch.Length);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (written, clock.Elapsed);
    }

    /// <summary>The same batches by bare binary COPY, one connection per worker, one transaction per batch.</summary>
    private static async Task<(long Written, TimeSpan Elapsed)> BareCopyAsync(PostgresDatabase database, LoadOptions options)
    {
        await using (var connection = await database.OpenAsync())
        await using (var create = new NpgsqlCommand(
            "CREATE TABLE bare (sensor_key bigint, ts timestamptz, value float8, quality smallint, tenant_id bigint, PRIMARY KEY (sensor_key, ts))", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        long next = -1;
        long written = 0;
        using var stop = new CancellationTokenSource(options.Duration);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
        {
            var batch = new Reading[options.BatchSize];
            await using var connection = await database.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                Fill(batch, Interlocked.Increment(ref next));
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var import = await connection.BeginBinaryImportAsync("COPY bare FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var reading in batch)
                    {
                        await import.StartRowAsync();
                        await import.WriteAsync(reading.SensorKey, NpgsqlDbType.Bigint);
                        await import.WriteAsync(reading.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz);
                        await import.WriteAsync(reading.Value, NpgsqlDbType.Double);
                        await import.WriteAsync((short)reading.Quality, NpgsqlDbType.Smallint);
                        await import.WriteAsync(1L, NpgsqlDbType.Bigint);
                    }

                    await import.CompleteAsync();
                }

                await transaction.CommitAsync();
                Interlocked.Add(ref written, batch.Length);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (written, clock.Elapsed);
    }

    /// <summary>Batch number <paramref name="n"/>: 100 sensors in groups of 10, each batch a run of new seconds of its group.</summary>
    private static void Fill(Reading[] batch, long n)
    {
        var baseMicros = UnixMicros.From(LoadCommand.Base);
        var steps = batch.Length / 10;
        for (var i = 0; i < batch.Length; i++)
        {
            var sensor = 1 + ((n % 10) * 10) + (i % 10);
            var at = baseMicros + (((n / 10 * steps) + (i / 10)) * 1_000_000);
            batch[i] = new Reading(sensor, at, 20 + (i % 50), ReadingQuality.Good);
        }
    }
}
