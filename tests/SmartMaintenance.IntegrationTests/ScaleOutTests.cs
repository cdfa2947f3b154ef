using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Xunit.Abstractions;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// Three nodes (separate server processes) on one PostgreSQL database; one is SIGKILLed while devices stream through
/// all three, and its devices move to a survivor, re-sending the batch whose answer never came. Asserted in the API
/// tests' PostgreSQL run.
/// </summary>
public class ScaleOutTests(ITestOutputHelper output)
{
    private const int Sensors = 9;

    /// <summary>Every this many seconds of a sensor's stream, one reading above the alarm rule's limit.</summary>
    private const int SpikeEvery = 20;

    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds());

    private static bool IsSpike(int second) => second % SpikeEvery == SpikeEvery / 2;

    [Fact]
    public async Task A_node_killed_mid_stream_loses_no_acknowledged_reading_and_its_sensors_are_judged_on_the_survivors()
    {
        if (SmartMaintenanceApplication.PostgresServer is null)
        {
            return;
        }

        var root = Directory.CreateTempSubdirectory("smx-it-scale-").FullName;
        var nodes = new List<ServerProcess>();
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["SMX_POSTGRES"] = SmartMaintenanceApplication.PostgresOf(root)!,
                ["SMX_ADVERTISED_ADDRESS"] = "127.0.0.1",
            };
            foreach (var name in new[] { "a", "b", "c" })
            {
                nodes.Add(await ServerProcess.StartAsync(Directory.CreateDirectory(Path.Combine(root, name)).FullName, settings));
            }

            var clients = nodes.Select(n => n.CreateClient()).ToArray();
            await PumpSignal.EventuallyAsync(async () => Convert.ToInt64(await SmartMaintenanceApplication.SqlAsync(root,
                "SELECT count(*) FROM cluster_members WHERE status = 3"), CultureInfo.InvariantCulture) == 3, "three nodes active in the membership", 60);

            // Nine temperature sensors on one pump; an alarm rule makes every reading above 80 °C an alarm of its own
            // (the calm reading after it ends it), so each spike judged is one anomaly, named by the sensor and the time.
            var sensorIds = Enumerable.Range(1, Sensors).Select(i => $"pump-1-t{i}").ToArray();
            await SmartMaintenanceApplication.SeedSensorAsync(clients[0], sensorIds[0]);
            foreach (var sensor in sensorIds[1..])
            {
                await SmartMaintenanceApplication.PutPumpSensorAsync(clients[0], sensor);
            }

            (await clients[0].PutAsJsonAsync("/api/v1/alarm-rules/sensor_type/temperature", new { high = 80, delay_seconds = 0 })).EnsureSuccessStatusCode();

            // Device d (of three) sends sensors d, d+3, d+6 through node d, one second of readings per batch; a batch is
            // acknowledged when every reading in it is reported stored (accepted, or a duplicate of one stored before).
            var acknowledged = new ConcurrentDictionary<(string Sensor, int Second), bool>();
            var sent = new ConcurrentDictionary<(string Sensor, int Second), bool>();
            var route = new[] { 0, 1, 2 };
            var killedAt = 0L;
            var firstSpikeAfterKill = new ConcurrentDictionary<string, int>();
            using var stop = new CancellationTokenSource();
            // Node C's last moment: device C stops before its next spike and hands the second over; the test stores
            // that second and the one before as node C would have stored, acknowledged and not yet passed on.
            var crashWindow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var crashRequested = 0;
            var devices = Enumerable.Range(0, 3).Select(device => Task.Run(async () =>
            {
                var mine = sensorIds.Where((_, i) => i % 3 == device).ToArray();
                for (var second = 0; !stop.IsCancellationRequested; second++)
                {
                    if (device == 2 && IsSpike(second + 1) && Volatile.Read(ref crashRequested) != 0 && crashWindow.TrySetResult(second))
                    {
                        await crashed.Task;
                        second += 2;
                    }

                    var afterKill = Volatile.Read(ref killedAt) != 0;
                    while (!stop.IsCancellationRequested)
                    {
                        foreach (var sensor in mine)
                        {
                            sent[(sensor, second)] = true;
                        }

                        try
                        {
                            using var response = await clients[Volatile.Read(ref route[device])].PostAsync("/api/v1/readings", Batch(mine, second));
                            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
                            if (response.IsSuccessStatusCode
                                && report.GetProperty("accepted").GetInt32() + report.GetProperty("duplicates").GetInt32() == mine.Length)
                            {
                                foreach (var sensor in mine)
                                {
                                    acknowledged[(sensor, second)] = true;
                                    if (afterKill && IsSpike(second))
                                    {
                                        firstSpikeAfterKill.TryAdd(sensor, second);
                                    }
                                }

                                break;
                            }

                            // Sensors not yet in this node's directory at the start: the same batch again.
                            await Task.Delay(200);
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                        {
                            // The node died under this request: the device moves to node A and sends the batch again.
                            Volatile.Write(ref route[device], 0);
                        }
                    }

                    await Task.Delay(100);
                }
            })).ToArray();

            // A case opens (the first spikes) and waits for a person; then node C dies mid-stream.
            var pending = await PumpSignal.PollAsync(async () =>
            {
                var list = await clients[0].GetFromJsonAsync<JsonElement>("/api/v1/decisions/pending");
                return list.GetArrayLength() > 0 ? list[0] : (JsonElement?)null;
            }, "a case awaiting a decision", seconds: 60);
            Volatile.Write(ref crashRequested, 1);
            var lastStored = await crashWindow.Task.WaitAsync(TimeSpan.FromSeconds(30));
            foreach (var sensor in sensorIds.Where((_, i) => i % 3 == 2))
            {
                foreach (var second in new[] { lastStored, lastStored + 1 })
                {
                    await SmartMaintenanceApplication.SqlAsync(root,
                        "INSERT INTO readings (sensor_key, ts, value, quality, tenant_id) SELECT key, to_timestamp($1::double precision), $2, 0, tenant_id FROM sensors WHERE sensor_id = $3",
                        (double)T0.AddSeconds(second).ToUnixTimeSeconds(), ValueAt(second), sensor);
                    sent[(sensor, second)] = true;
                    acknowledged[(sensor, second)] = true;
                }
            }

            var kill = Stopwatch.StartNew();
            nodes[2].Kill();
            Volatile.Write(ref killedAt, 1);
            crashed.SetResult();

            // Every sensor — those whose agents lived on node C too — raises the alarm of a spike sent after the kill.
            var judgedWithin = await PumpSignal.PollAsync(async () =>
            {
                foreach (var sensor in sensorIds)
                {
                    if (!firstSpikeAfterKill.TryGetValue(sensor, out var second) || !(await AnomalySecondsAsync(clients[1], sensor)).Contains(second))
                    {
                        return null;
                    }
                }

                return (TimeSpan?)kill.Elapsed;
            }, "an alarm on every sensor from a spike sent after the kill", seconds: 60);
            output.WriteLine($"every sensor judged a spike sent after the kill {judgedWithin.TotalSeconds:F1} s after it");

            // Streaming goes on through the two nodes left for a few more spikes, then stops.
            await Task.Delay(TimeSpan.FromSeconds(4));
            await stop.CancelAsync();
            await Task.WhenAll(devices);

            // The case opened before the kill is decided through node B and goes on.
            var decided = await clients[1].PostAsJsonAsync($"/api/v1/cases/{pending.GetProperty("case_id").GetString()}/decision",
                new { verdict = "approve", reason = "seen on site" });
            Assert.Equal("scheduled", (await decided.ReadJsonAsync()).GetProperty("state").GetString());

            // Every acknowledged reading is stored once, and nothing that was not sent.
            var stored = await StoredAsync(root);
            Assert.Equal(stored.Count, stored.Distinct().Count());
            var missing = acknowledged.Keys.Where(k => !stored.Contains(k)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged readings missing, e.g. {string.Join(", ", missing.Take(5))}");
            Assert.All(stored, s => Assert.True(sent.ContainsKey(s), $"{s} stored but never sent"));

            // Every acknowledged spike was judged: its alarm is there, once. A spike raises an alarm only if the calm
            // reading before it was judged too (it ended the previous alarm).
            await PumpSignal.EventuallyAsync(async () =>
            {
                foreach (var sensor in sensorIds)
                {
                    var alarms = await AnomalySecondsAsync(clients[0], sensor);
                    Assert.Equal(alarms.Count, alarms.Distinct().Count());
                    if (acknowledged.Keys.Where(k => k.Sensor == sensor && IsSpike(k.Second)).Any(k => !alarms.Contains(k.Second)))
                    {
                        return false;
                    }
                }

                return true;
            }, "an alarm for every acknowledged spike");

            // Healthy work never reached the dead letters, the node's death notwithstanding.
            Assert.Equal(0, (await clients[0].GetFromJsonAsync<JsonElement>("/api/v1/dead-letters")).GetArrayLength());
            Assert.True(judgedWithin <= TimeSpan.FromSeconds(15), $"the dead node's sensors were judged {judgedWithin.TotalSeconds:F1} s after the kill");
            output.WriteLine($"{acknowledged.Count} readings acknowledged, {stored.Count} stored, {sent.Count} sent");
        }
        catch
        {
            foreach (var node in nodes)
            {
                output.WriteLine(node.Output);
            }

            throw;
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static StringContent Batch(IEnumerable<string> sensors, int second) => new(JsonSerializer.Serialize(sensors.Select(s => new
    {
        sensor_id = s,
        timestamp = T0.AddSeconds(second),
        value = ValueAt(second),
    })), Encoding.UTF8, "application/json");

    private static double ValueAt(int second) => IsSpike(second) ? 95 : PumpSignal.Normal(second);

    /// <summary>The seconds (from <see cref="T0"/>) of the sensor's anomalies, as the API lists them.</summary>
    private static async Task<List<int>> AnomalySecondsAsync(HttpClient client, string sensor) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?sensor_id={sensor}&limit=1000")).EnumerateArray()
            .Select(a => (int)(a.GetProperty("at").GetDateTimeOffset() - T0).TotalSeconds)];

    /// <summary>Every stored reading as (sensor, second), read from the database itself.</summary>
    private static async Task<List<(string Sensor, int Second)>> StoredAsync(string root)
    {
        var rows = (string?)await SmartMaintenanceApplication.SqlAsync(root,
            "SELECT string_agg(s.sensor_id || '@' || (extract(epoch FROM r.ts) - $1)::bigint, ',') FROM readings r JOIN sensors s ON s.key = r.sensor_key",
            T0.ToUnixTimeSeconds()) ?? "";
        return [.. rows.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('@'))
            .Select(p => (p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))];
    }
}
