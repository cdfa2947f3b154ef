using System.Diagnostics;
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
    private const string AdminKey = "crash-admin-key-0123456789abcdef";
    private const int Kills = 20;
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
                    await SeedAsync(client);
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
                            using var response = await client.PostAsync("/api/v1/readings", Batch(epoch, first), CancellationToken.None);
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

    /// <summary>Readings <paramref name="first"/>… of the run, one millisecond apart after the epoch.</summary>
    private static StringContent Batch(DateTimeOffset epoch, long first)
    {
        var csv = new StringBuilder("sensor_id,timestamp,value\n");
        for (var i = first; i < first + BatchSize; i++)
        {
            csv.Append("crash-1,").Append(epoch.AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture)).Append(',').Append(20 + (i % 7)).Append('\n');
        }

        return new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
    }

    private static async Task SeedAsync(HttpClient client)
    {
        (await client.PutAsJsonAsync("/api/v1/sites/plant", new { name = "Plant" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/v1/sensors/crash-1", new { asset_id = "pump-1", type = "temperature", unit = "°C", sample_interval_seconds = 1 }))
            .EnsureSuccessStatusCode();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>The server started from the build output as a service would start it, on free ports.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();

        private ServerProcess(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<ServerProcess> StartAsync(string dataDir)
        {
            var port = FreePort();
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = dataDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SmartMaintenance.Server.dll"));
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add($"http://127.0.0.1:{port}");
            info.Environment["SMX_DATA_DIR"] = dataDir;
            info.Environment["SMX_DEMO"] = "0";
            info.Environment["SMX_ADMIN_API_KEY"] = AdminKey;
            info.Environment["SMX_SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture);
            info.Environment["SMX_GATEWAY_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture);
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            var server = new ServerProcess(Process.Start(info)!, $"http://127.0.0.1:{port}");
            server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            await server.WaitUntilReadyAsync();
            return server;
        }

        public HttpClient CreateClient()
        {
            var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("X-API-Key", AdminKey);
            return client;
        }

        /// <summary>SIGKILL: no shutdown hooks, no flush.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private async Task WaitUntilReadyAsync()
        {
            using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(_process.HasExited, $"the server exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log()}");
                try
                {
                    if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Still starting.
                }

                await Task.Delay(200);
            }

            Assert.Fail($"the server was not ready within 2 minutes:\n{Log()}");
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }

        private string Log()
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
