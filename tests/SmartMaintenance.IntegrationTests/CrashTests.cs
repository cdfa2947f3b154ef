using System.Globalization;
using System.Net.Http.Json;
using System.Text;

using Microsoft.Data.Sqlite;

using Xunit.Abstractions;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// The server as a process of its own, killed with SIGKILL again and again while clients ingest: every reading it
/// acknowledged is stored once, the roll-ups agree with the readings, and the database passes its integrity check.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    /// <summary>Kills in the test command; <c>SMX_CRASH_KILLS</c> runs more (a soak).</summary>
    private static readonly int Kills = int.TryParse(Environment.GetEnvironmentVariable("SMX_CRASH_KILLS"), out var n) ? n : 12;
    private const int BatchSize = 200;

    [Fact]
    public async Task Readings_acknowledged_before_a_sigkill_are_all_there_once_afterwards()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-crash-").FullName;
        var acknowledged = new HashSet<long>();
        var sent = 0L;
        var next = 0L;
        var epoch = DateTimeOffset.UtcNow.AddDays(-2);
        var random = new Random(20261207);
        try
        {
            for (var round = 0; round <= Kills; round++)
            {
                using var server = await ServerProcess.StartAsync(dataDir);
                using var client = server.CreateClient();
                if (round == 0)
                {
                    await SmartMaintenanceApplication.SeedSensorAsync(client, "crash-1");
                }

                if (round == Kills)
                {
                    // The last start only proves the data opens again and is served.
                    var latest = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=crash-1&limit=1");
                    Assert.Equal(1, latest.GetProperty("readings").GetArrayLength());
                    server.Kill();
                    break;
                }

                // Two clients ingest until the kill; a batch whose answer never came is not acknowledged.
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var first = Interlocked.Add(ref next, BatchSize) - BatchSize;
                        Interlocked.Increment(ref sent);
                        try
                        {
                            using var response = await client.PostAsync("/api/v1/readings", CsvReadings.Batch("crash-1", epoch, first, BatchSize), CancellationToken.None);
                            var report = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(CancellationToken.None);
                            if (response.IsSuccessStatusCode && report.GetProperty("accepted").GetInt32() == BatchSize)
                            {
                                lock (acknowledged)
                                {
                                    for (var i = first; i < first + BatchSize; i++)
                                    {
                                        acknowledged.Add(i);
                                    }
                                }
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
                        {
                            // The server died under this request.
                            return;
                        }
                    }
                })).ToArray();
                await Task.Delay(random.Next(300, 1_500));
                server.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "smartmaintenance.db")};Pooling=False");
            connection.Open();
            Assert.Equal("ok", Scalar<string>(connection, "PRAGMA integrity_check"));
            var stored = new List<long>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT r.ts FROM readings r JOIN sensors s ON s.key = r.sensor_key WHERE s.sensor_id = 'crash-1'";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    stored.Add((reader.GetInt64(0) - Micros(epoch)) / 1_000);
                }
            }

            var storedSet = stored.ToHashSet();
            var missing = acknowledged.Count(a => !storedSet.Contains(a));
            output.WriteLine($"{Kills} kills; {sent} batches sent, {acknowledged.Count} readings acknowledged, {stored.Count} stored, {missing} acknowledged but missing, {stored.Count - storedSet.Count} stored twice");
            Assert.True(acknowledged.Count >= Kills * BatchSize, $"too little was acknowledged to mean anything: {acknowledged.Count}");
            Assert.Equal(0, missing);
            Assert.Equal(stored.Count, storedSet.Count);
            Assert.Equal(stored.Count, Scalar<long>(connection,
                "SELECT COALESCE(SUM(m.count), 0) FROM rollup_minute m JOIN sensors s ON s.key = m.sensor_key WHERE s.sensor_id = 'crash-1'"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // The OS temp cleaner takes it.
            }
        }
    }

    private static long Micros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }
}
