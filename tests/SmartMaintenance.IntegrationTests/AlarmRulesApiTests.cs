using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public sealed class AlarmRulesApiTests
{
    [Fact]
    public async Task A_rule_set_over_the_api_raises_an_anomaly_on_the_next_reading_past_it_and_is_audited_listed_and_removed()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        await app.SeedSensorAsync();
        await PumpSignal.PostAsync(admin, PumpSignal.Batch(0, 120, PumpSignal.Normal));

        await (await viewer.PutAsJsonAsync("/api/v1/alarm-rules/sensor/pump-1-temp", new { high = 42 })).ProblemAsync(HttpStatusCode.Forbidden);
        var invalid = await (await admin.PutAsJsonAsync("/api/v1/alarm-rules/sensor/pump-1-temp", new { high = 10, low = 20 }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("above low", invalid.GetProperty("errors").GetProperty("high")[0].GetString());
        await (await admin.PutAsJsonAsync("/api/v1/alarm-rules/machine/pump-1-temp", new { high = 42 })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync("/api/v1/alarm-rules/sensor/no-such-sensor", new { high = 42 })).ProblemAsync(HttpStatusCode.NotFound);

        var set = await admin.PutAsJsonAsync("/api/v1/alarm-rules/sensor/pump-1-temp", new { high = 42, hysteresis = 0.5, delay_seconds = 0 });
        var rule = await set.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(("sensor", "pump-1-temp", 42.0, 0.5), (rule.GetProperty("scope").GetString(), rule.GetProperty("target").GetString(),
            rule.GetProperty("high").GetDouble(), rule.GetProperty("hysteresis").GetDouble()));
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("low").ValueKind);
        var listed = Assert.Single((await viewer.GetFromJsonAsync<JsonElement>("/api/v1/alarm-rules")).EnumerateArray());
        Assert.Equal(42, listed.GetProperty("high").GetDouble());

        await PumpSignal.PostAsync(admin, PumpSignal.Batch(120, 1, _ => 43));
        var anomaly = await PumpSignal.PollAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp");
            return list.EnumerateArray().Where(a => a.GetProperty("detectors").EnumerateArray().Any(d => d.GetString() == "threshold_high"))
                .Select(a => (JsonElement?)a).FirstOrDefault();
        }, "an anomaly raised by the rule's high limit");
        Assert.Equal(43, anomaly.GetProperty("value").GetDouble());

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=alarm-rule:sensor:pump-1-temp");
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal("AlarmRuleChanged", entry.GetProperty("type").GetString());

        // The same figures again change nothing and write no entry; removing it does.
        (await admin.PutAsJsonAsync("/api/v1/alarm-rules/sensor/pump-1-temp", new { high = 42, hysteresis = 0.5 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/alarm-rules/sensor/pump-1-temp")).StatusCode);
        await (await admin.DeleteAsync("/api/v1/alarm-rules/sensor/pump-1-temp")).ProblemAsync(HttpStatusCode.NotFound);
        audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=alarm-rule:sensor:pump-1-temp");
        Assert.Equal(2, audit.GetProperty("entries").GetArrayLength());
        Assert.Equal(0, (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/alarm-rules")).GetArrayLength());
    }
}
