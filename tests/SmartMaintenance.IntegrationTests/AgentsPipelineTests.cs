using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Microsoft.Data.Sqlite;

namespace SmartMaintenance.IntegrationTests;

public class AgentsPipelineTests
{
    private static Task<JsonElement> WaitForAnomalyAsync(HttpClient client) => PumpSignal.PollAsync(async () =>
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp");
        return list.GetArrayLength() > 0 ? list[0] : (JsonElement?)null;
    }, "anomaly");

    /// <summary>Five minutes of a calm signal, then one reading far above it; returns the anomaly it raised.</summary>
    private static async Task<JsonElement> RaiseSpikeAsync(SmartMaintenanceApplication app, HttpClient client)
    {
        await PumpSignal.InjectSpikeAsync(app, client);
        return await WaitForAnomalyAsync(client);
    }

    /// <summary>Polls a correlation id's audit entries until one of the given type is there.</summary>
    private static async Task<JsonElement[]> WaitForStoryAsync(HttpClient client, string correlationId, string until)
    {
        var page = await PumpSignal.PollAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={correlationId}");
            return page.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("type").GetString() == until) ? page : (JsonElement?)null;
        }, $"{until} for {correlationId}");
        return [.. page.GetProperty("entries").EnumerateArray()];
    }

    [Fact]
    public async Task A_second_spike_within_the_cool_down_is_dismissed_as_a_duplicate_with_its_reason()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateAdminClient();
        var first = await RaiseSpikeAsync(app, client);
        await PumpSignal.PostAsync(client, PumpSignal.Batch(301, 40, PumpSignal.Normal));
        await PumpSignal.PostAsync(client, PumpSignal.Batch(341, 1, _ => 97));

        var second = await PumpSignal.PollAsync(async () =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp");
            var found = list.EnumerateArray().FirstOrDefault(a => a.GetProperty("value").GetDouble() == 97);
            return found.ValueKind == JsonValueKind.Object && found.GetProperty("status").GetString() != "detected" ? found : (JsonElement?)null;
        }, "judgement of the second spike");

        Assert.Equal("dismissed", second.GetProperty("status").GetString());
        Assert.Contains($"duplicate of anomaly {first.GetProperty("anomaly_id").GetString()}", second.GetProperty("reason").GetString());
        var story = await WaitForStoryAsync(client, second.GetProperty("correlation_id").GetString()!, "AnomalyDismissed");
        Assert.Equal(["AnomalyDetected", "AnomalyDismissed"], story.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_spike_sent_over_http_becomes_an_anomaly_whose_story_is_in_the_verifiable_audit_trail()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateAdminClient();
        var anomaly = await RaiseSpikeAsync(app, client);
        Assert.Equal(PumpSignal.T0.AddSeconds(300), anomaly.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(95, anomaly.GetProperty("value").GetDouble());
        Assert.Contains("spike", anomaly.GetProperty("detectors").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("critical", anomaly.GetProperty("severity").GetString());
        Assert.Equal("pump-1", anomaly.GetProperty("asset_id").GetString());

        var correlationId = anomaly.GetProperty("correlation_id").GetString();
        var story = await WaitForStoryAsync(client, correlationId!, "AnomalyValidated");
        Assert.Equal(["AnomalyDetected", "AnomalyValidated"], story.Take(2).Select(e => e.GetProperty("type").GetString()));
        var entry = story[0];
        Assert.Equal(anomaly.GetProperty("anomaly_id").GetString(), entry.GetProperty("payload").GetProperty("anomaly_id").GetString());
        Assert.Equal(64, entry.GetProperty("payload").GetProperty("window").GetArrayLength());

        var verified = await client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verified.GetProperty("valid").GetBoolean());

        // Someone edits the entry in the database file: verification names it.
        var sequence = entry.GetProperty("sequence").GetInt64();
        Assert.Equal(1, await SmartMaintenanceApplication.SqlAsync(app.DataDir,
            $"UPDATE audit_events SET payload = replace(payload, '\"value\":95', '\"value\":45') WHERE seq = {sequence}"));

        var broken = await client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.False(broken.GetProperty("valid").GetBoolean());
        Assert.Equal(sequence, broken.GetProperty("broken_sequence").GetInt64());
    }

    [Fact]
    public Task A_sensor_agent_keeps_what_its_monitor_learned_in_grain_state_and_goes_on_from_it_after_a_restart() =>
        RestartAsync(SavedState.Kept);

    [Fact]
    public Task Without_a_saved_state_a_sensor_agent_rebuilds_its_baseline_from_stored_readings_after_a_restart() =>
        RestartAsync(SavedState.Dropped);

    [Fact]
    public Task A_state_saved_by_the_earlier_ensemble_version_is_learned_again_from_stored_readings() =>
        RestartAsync(SavedState.EarlierVersion);

    public enum SavedState
    {
        Kept,
        Dropped,
        EarlierVersion,
    }

    /// <summary>
    /// 300 normal readings and a spike (its anomaly proves the agent judged them all), a host stop, then 60 calm readings
    /// and a spike as the next start's first batch: caught only if the agent kept or rebuilt its learning.
    /// </summary>
    private static async Task RestartAsync(SavedState change)
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-it-restart-").FullName;
        try
        {
            await using (var first = new SmartMaintenanceApplication(dataDir: dataDir))
            {
                await first.SeedSensorAsync();
                using var client = first.CreateAdminClient();
                await PumpSignal.PostAsync(client, PumpSignal.Batch(0, 301, i => i < 300 ? PumpSignal.Normal(i) : 95));
                await WaitForAnomalyAtAsync(client, PumpSignal.T0.AddSeconds(300));
            }

            // Stopping the host deactivated the agent, which wrote its monitor's state: the last reading it learned, its level
            // baseline and, the resonance detector's warm-up being 750 readings, the values it has seen so far.
            using (var saved = System.Text.Json.JsonDocument.Parse((string)(await SmartMaintenanceApplication.SqlAsync(dataDir,
                "SELECT payload FROM grain_state WHERE state_name = 'detector'"))!))
            {
                Assert.Equal(PumpSignal.T0.AddSeconds(300).ToUnixTimeMilliseconds() * 1000, saved.RootElement.GetProperty("LearnedUpToMicros").GetInt64());
                var monitor = saved.RootElement.GetProperty("Monitor");
                Assert.Equal(301, monitor.GetProperty("Level").GetProperty("Count").GetInt64());
                Assert.Equal(301, monitor.GetProperty("WarmUp").GetArrayLength());
                if (change == SavedState.Dropped)
                {
                    await SmartMaintenanceApplication.SqlAsync(dataDir, "DELETE FROM grain_state WHERE state_name = 'detector'");
                }
                else if (change == SavedState.EarlierVersion)
                {
                    // The shape an earlier version wrote: the ensemble's state under "Detector", no "Monitor".
                    Assert.Equal(1, await SmartMaintenanceApplication.SqlAsync(dataDir, "UPDATE grain_state SET payload = $1 WHERE state_name = 'detector'",
                        System.Text.Json.JsonSerializer.Serialize(new
                        {
                            SensorKey = saved.RootElement.GetProperty("SensorKey").GetInt64(),
                            LearnedUpToMicros = saved.RootElement.GetProperty("LearnedUpToMicros").GetInt64(),
                            Detector = new { Count = 301 },
                        })));
                }
            }

            await using var second = new SmartMaintenanceApplication(dataDir: dataDir);
            using var restarted = second.CreateAdminClient();
            await PumpSignal.PostAsync(restarted, PumpSignal.Batch(301, 61, i => i < 361 ? PumpSignal.Normal(i) : 95));
            await WaitForAnomalyAtAsync(restarted, PumpSignal.T0.AddSeconds(361));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static Task<JsonElement> WaitForAnomalyAtAsync(HttpClient client, DateTimeOffset at) => PumpSignal.PollAsync(async () =>
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp");
        return list.EnumerateArray().Where(a => a.GetProperty("at").GetDateTimeOffset() == at).Select(a => (JsonElement?)a).FirstOrDefault();
    }, $"anomaly at {at:O}");

    [Fact]
    public async Task Another_tenants_key_sees_none_of_the_anomalies_or_their_audit_entries()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateAdminClient();
        var anomaly = await RaiseSpikeAsync(app, client);

        using var admin = app.CreateAdminClient();
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "other", name = "Other" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("viewer", tenant.GetProperty("id").GetInt64());
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/anomalies")).GetArrayLength());
        await (await other.GetAsync($"/api/v1/anomalies/{anomaly.GetProperty("anomaly_id").GetString()}")).ProblemAsync(HttpStatusCode.NotFound);
        var story = await other.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={anomaly.GetProperty("correlation_id").GetString()}");
        Assert.Equal(0, story.GetProperty("entries").GetArrayLength());
    }
}
