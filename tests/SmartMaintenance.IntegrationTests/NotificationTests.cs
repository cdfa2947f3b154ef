using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace SmartMaintenance.IntegrationTests;

public class NotificationTests
{
    private sealed record Received(string? Event, string? Signature, byte[] Body);

    [Fact]
    public async Task A_webhook_receives_the_events_it_subscribed_to_signed_with_its_secret()
    {
        // A real HTTP receiver on a free loopback port, as an integrator's endpoint would be.
        var received = Channel.CreateUnbounded<Received>();
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            await received.Writer.WriteAsync(new Received(request.Headers["X-SMX-Event"], request.Headers["X-SMX-Signature"], body.ToArray()));
            return Results.Ok();
        });
        receiver.Urls.Add("http://127.0.0.1:0");
        await receiver.StartAsync();
        var hookUrl = new Uri(new Uri(receiver.Urls.First()), "/hook");

        // Webhooks go to public addresses only; a self-hoster allows their own network, here the loopback receiver.
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.1/32" });
        using var admin = app.CreateAdminClient();
        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = hookUrl.ToString(), event_types = new[] { "AnomalyDetected" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = await created.ReadJsonAsync();
        var secret = webhook.GetProperty("secret").GetString()!;
        Assert.Equal(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks"))[0].GetProperty("secret").ValueKind);

        await PumpSignal.InjectSpikeAsync(app, admin);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var delivery = await received.Reader.ReadAsync(timeout.Token);

        Assert.Equal("AnomalyDetected", delivery.Event);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), delivery.Body));
        Assert.Equal(expected, delivery.Signature);
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Equal("AnomalyDetected", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(95, body.RootElement.GetProperty("payload").GetProperty("value").GetDouble());
        Assert.False(received.Reader.TryRead(out var other) && other.Event != "AnomalyDetected", "Only subscribed event types are delivered.");
        await AssertAsTheAuditApiShowsItAsync(admin, body.RootElement);

        var log = await PumpSignal.PollAsync(async () =>
        {
            var deliveries = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{webhook.GetProperty("id").GetInt64()}/deliveries");
            return deliveries.GetArrayLength() > 0 ? deliveries[0] : (JsonElement?)null;
        }, "delivery log");
        Assert.Equal(200, log.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_webhook_receiver_that_never_answers_holds_up_neither_ingest_nor_detection()
    {
        // A receiver that takes every delivery and never answers while the test runs.
        var hanging = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", async () =>
        {
            Interlocked.Increment(ref hanging);
            await release.Task;
            return Results.Ok();
        });
        receiver.Urls.Add("http://127.0.0.1:0");
        await receiver.StartAsync();
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["WEBHOOK_ALLOWED_NETWORKS"] = "127.0.0.1/32" });
        // Set-up requests (the host's first ones, slow on a busy machine) go without the 5 s limit of the ones under test.
        using (var setup = app.CreateAdminClient())
        {
            (await setup.PostAsJsonAsync("/api/v1/webhooks", new { url = new Uri(new Uri(receiver.Urls.First()), "/hook").ToString() })).EnsureSuccessStatusCode();
            await app.SeedSensorAsync(client: setup);
            await PumpSignal.PostAsync(setup, PumpSignal.Batch(0, 300, PumpSignal.Normal));
        }

        using var admin = app.CreateAdminClient();
        admin.Timeout = TimeSpan.FromSeconds(5);
        try
        {
            await PumpSignal.PostAsync(admin, PumpSignal.Batch(300, 1, _ => 95));
            await PumpSignal.PollAsync(() => Task.FromResult(Volatile.Read(ref hanging) > 0 ? (bool?)true : null), "a delivery held by the receiver");

            // With deliveries hanging (the client gives each request 5 s), batches are still stored and a second spike
            // is still judged.
            for (var batch = 0; batch < 20; batch++)
            {
                await PumpSignal.PostAsync(admin, PumpSignal.Batch(301 + (batch * 100), 100, PumpSignal.Normal));
            }

            var before = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/anomalies")).GetArrayLength();
            await PumpSignal.PostAsync(admin, PumpSignal.Batch(2301, 1, _ => 95));
            await PumpSignal.PollAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/anomalies")).GetArrayLength() > before ? (bool?)true : null,
                "the second spike's anomaly");
            Assert.True(Volatile.Read(ref hanging) > 0);
        }
        finally
        {
            release.SetResult();
        }
    }

    [Fact]
    public async Task A_signalr_client_with_an_api_key_receives_its_tenants_events_live()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var events = Channel.CreateUnbounded<JsonElement>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/events"), options =>
            {
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.Headers["X-API-Key"] = SmartMaintenanceApplication.AdminKey;
            })
            .Build();
        connection.On<JsonElement>("event", e => events.Writer.TryWrite(e));
        await connection.StartAsync();

        await PumpSignal.InjectSpikeAsync(app, admin);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement live;
        do
        {
            live = await events.Reader.ReadAsync(timeout.Token);
        }
        while (live.GetProperty("type").GetString() != "AnomalyDetected");
        Assert.Equal(95, live.GetProperty("payload").GetProperty("value").GetDouble());
        await AssertAsTheAuditApiShowsItAsync(admin, live);

        await using var anonymous = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/events"), options =>
            {
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
    }

    /// <summary>An entry sent out (webhook body, live event) is the same JSON as the audit API's entry of that sequence.</summary>
    private static async Task AssertAsTheAuditApiShowsItAsync(HttpClient admin, JsonElement sent)
    {
        var sequence = sent.GetProperty("sequence").GetInt64();
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?after={sequence - 1}&limit=1");
        var shown = page.GetProperty("entries")[0];
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(sent.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(shown.GetRawText())),
            $"sent {sent.GetRawText()}\nshown {shown.GetRawText()}");
    }
}
