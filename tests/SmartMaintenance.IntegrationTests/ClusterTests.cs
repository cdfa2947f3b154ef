using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// Several nodes (separate server processes, as they run in production) on one PostgreSQL database. Asserted in the API
/// tests' PostgreSQL run; the SQLite store serves one process.
/// </summary>
public class ClusterTests
{
    [Fact]
    public async Task Two_nodes_form_one_cluster_see_each_others_events_and_changes_and_send_each_webhook_once()
    {
        if (SmartMaintenanceApplication.PostgresServer is null)
        {
            return;
        }

        // An integrator's webhook endpoint, counting deliveries by their id (webhook-sequence).
        var deliveries = new ConcurrentDictionary<string, int>();
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", (HttpRequest request) =>
        {
            deliveries.AddOrUpdate(request.Headers["X-SMX-Delivery"].ToString(), 1, (_, n) => n + 1);
            return Results.Ok();
        });
        receiver.Urls.Add("http://127.0.0.1:0");
        await receiver.StartAsync();

        var root = Directory.CreateTempSubdirectory("smx-it-cluster-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["SMX_POSTGRES"] = SmartMaintenanceApplication.PostgresOf(root)!,
                ["SMX_ADVERTISED_ADDRESS"] = "127.0.0.1",
                ["SMX_WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.1/32",
            };
            using var nodeA = await ServerProcess.StartAsync(Directory.CreateDirectory(Path.Combine(root, "a")).FullName, settings);
            using var nodeB = await ServerProcess.StartAsync(Directory.CreateDirectory(Path.Combine(root, "b")).FullName, settings);
            using var viaA = nodeA.CreateClient();
            using var viaB = nodeB.CreateClient();

            // One cluster: both nodes are active members in the database's membership table.
            await PumpSignal.EventuallyAsync(async () => Convert.ToInt64(await SmartMaintenanceApplication.SqlAsync(root,
                "SELECT count(*) FROM cluster_members WHERE status = 3"), System.Globalization.CultureInfo.InvariantCulture) == 2, "both nodes active in the membership");

            // A live client on node B, a webhook registered on node A.
            var live = Channel.CreateUnbounded<JsonElement>();
            await using var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(new Uri(nodeB.Url), "/hubs/events"), options =>
                {
                    options.Transports = HttpTransportType.LongPolling;
                    options.Headers["X-API-Key"] = ServerProcess.AdminKey;
                })
                .Build();
            connection.On<JsonElement>("event", e => live.Writer.TryWrite(e));
            await connection.StartAsync();
            (await viaA.PostAsJsonAsync("/api/v1/webhooks", new
            {
                url = new Uri(new Uri(receiver.Urls.First()), "/hook").ToString(),
                event_types = new[] { "CatalogChanged" },
            })).EnsureSuccessStatusCode();

            // Catalog changes made through node A reach node B's live client.
            await SmartMaintenanceApplication.SeedSensorAsync(viaA, "pump-1-temp");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                var seen = new List<string>();
                while (seen.Count < 3)
                {
                    var entry = await live.Reader.ReadAsync(timeout.Token);
                    if (entry.GetProperty("type").GetString() == "CatalogChanged")
                    {
                        seen.Add(entry.GetProperty("payload").GetProperty("kind").GetString()!);
                    }
                }

                Assert.Equal(["site", "asset", "sensor"], seen);
            }

            // Node B takes readings of the sensor (its sensor directory now holds it); node A retires the sensor; node B
            // refuses the next reading — its directory heard of the change (within milliseconds: a reading sent in that
            // window is still taken).
            (await viaB.PostAsync("/api/v1/readings", Reading("2026-11-25T10:00:00Z", 40))).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.NoContent, (await viaA.PostAsync("/api/v1/sensors/pump-1-temp/retire", null)).StatusCode);
            await PumpSignal.EventuallyAsync(async () =>
                (await viaB.PostAsync("/api/v1/readings", Reading("2026-11-25T10:00:01Z", 41))).StatusCode == HttpStatusCode.UnprocessableEntity,
                "node B refuses readings of the sensor node A retired");

            // An alarm rule set on node A reaches the running sensor agents, wherever the cluster placed them: four
            // sensors judged readings (through node B) before the rule, and each raises the rule's alarm after it.
            var sensors = Enumerable.Range(1, 4).Select(i => $"pump-1-t{i}").ToList();
            foreach (var sensor in sensors)
            {
                await SmartMaintenanceApplication.PutPumpSensorAsync(viaA, sensor);
            }

            await PumpSignal.EventuallyAsync(async () => (await viaB.PostAsync("/api/v1/readings", Readings(sensors, "2026-11-25T11:00:00Z", 40))).IsSuccessStatusCode,
                "node B knows the new sensors");
            (await viaA.PutAsJsonAsync("/api/v1/alarm-rules/sensor_type/temperature", new { high = 80, delay_seconds = 0 })).EnsureSuccessStatusCode();
            (await viaB.PostAsync("/api/v1/readings", Readings(sensors, "2026-11-25T11:00:01Z", 95))).EnsureSuccessStatusCode();
            foreach (var sensor in sensors)
            {
                await PumpSignal.EventuallyAsync(async () => (await viaB.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?sensor_id={sensor}")).EnumerateArray()
                    .Any(a => a.GetProperty("detectors").EnumerateArray().Any(d => d.GetString() == "threshold_high")), $"the rule's alarm on {sensor}");
            }

            // A model registered and promoted through node A is run by node B: its bytes are in the database, not in
            // node A's data folder.
            await MlApiTests.RegisterAsync(viaA, "engine-rul");
            (await viaA.PostAsync("/api/v1/ml/models/engine-rul/versions/1/promote", null)).EnsureSuccessStatusCode();
            await PumpSignal.EventuallyAsync(async () => (await viaB.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", cycles = MlApiTests.Cycles(30) }))
                .IsSuccessStatusCode, "node B runs the model registered through node A");

            // Each of the catalog events (site, asset, sensor, retirement, four sensors) went to the webhook exactly
            // once, though two nodes heard of each.
            await PumpSignal.EventuallyAsync(() => Task.FromResult(deliveries.Count == 8), "eight catalog events delivered");
            await Task.Delay(ClusterRelayQuietPeriod);
            Assert.Equal(8, deliveries.Count);
            Assert.All(deliveries.Values, count => Assert.Equal(1, count));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Longer than the relay's registration period: a duplicate delivery would have arrived by then.</summary>
    private static readonly TimeSpan ClusterRelayQuietPeriod = TimeSpan.FromSeconds(6);

    private static StringContent Readings(IEnumerable<string> sensors, string at, double value) => new(
        JsonSerializer.Serialize(sensors.Select(s => new { sensor_id = s, timestamp = at, value })), Encoding.UTF8, "application/json");

    private static StringContent Reading(string at, double value) => new(
        $$"""[{"sensor_id":"pump-1-temp","timestamp":"{{at}}","value":{{value}}}]""", Encoding.UTF8, "application/json");
}
