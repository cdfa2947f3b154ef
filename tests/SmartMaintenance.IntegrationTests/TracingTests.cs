using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

/// <summary>One reading's path — the request, the store's write, routing, judging, the anomaly's validation — is one trace.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_spike_is_traced_from_its_request_to_its_anomalys_validation()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("SmartMaintenance.", StringComparison.Ordinal)
                || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await app.SeedSensorAsync();
        await PumpSignal.PostAsync(admin, PumpSignal.Batch(0, 300, PumpSignal.Normal));

        // The spike comes with a trace of the client's, as from a traced gateway.
        var trace = ActivityTraceId.CreateRandom();
        using var spike = new HttpRequestMessage(HttpMethod.Post, "/api/v1/readings") { Content = PumpSignal.Batch(300, 1, _ => 95) };
        spike.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        (await admin.SendAsync(spike)).EnsureSuccessStatusCode();
        await PumpSignal.PollAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/anomalies")).GetArrayLength() > 0 ? (bool?)true : null, "anomaly");
        await PumpSignal.PollAsync(() => Task.FromResult(stopped.Any(a => a.TraceId == trace && a.DisplayName == "validate") ? (bool?)true : null),
            "validate step in the spike's trace", () => string.Join(", ", stopped.Where(a => a.TraceId == trace).Select(a => a.DisplayName).Distinct()));

        var inTrace = stopped.Where(a => a.TraceId == trace).Select(a => $"{a.Source.Name}: {a.DisplayName}").ToHashSet();
        Assert.Contains("SmartMaintenance.Ingestion: ingest readings", inTrace);
        Assert.Contains("SmartMaintenance.Agents: route readings", inTrace);
        Assert.Contains("SmartMaintenance.Agents: judge", inTrace);
        Assert.Contains("SmartMaintenance.Agents: validate", inTrace);
        // The store's group commit serves many requests: it links to each of their traces.
        Assert.Contains(stopped, a => a.Source.Name == "SmartMaintenance.Storage" && a.Links.Any(l => l.Context.TraceId == trace));
    }
}
