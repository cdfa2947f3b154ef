using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

/// <summary>Retiring sites, assets and sensors: out of service, history kept, and back again.</summary>
public sealed class CatalogRetirementTests
{
    private static StringContent Reading(string at, double value) =>
        new($$"""[{"sensor_id":"pump-1-temp","timestamp":"{{at}}","value":{{value}}}]""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_retired_asset_takes_its_sensors_out_of_service_keeps_their_history_and_brings_them_back_when_reinstated()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        (await admin.PostAsync("/api/v1/readings", Reading("2026-11-25T10:00:00Z", 40))).EnsureSuccessStatusCode();

        await (await viewer.PostAsync("/api/v1/assets/pump-1/retire", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsync("/api/v1/assets/no-such-asset/retire", null)).ProblemAsync(HttpStatusCode.NotFound);
        var siteInUse = await (await admin.PostAsync("/api/v1/sites/plant/retire", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("pump-1", siteInUse.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/v1/assets/pump-1/retire", null)).StatusCode);
        var sensor = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sensors/pump-1-temp");
        Assert.NotEqual(JsonValueKind.Null, sensor.GetProperty("retired_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assets/pump-1")).GetProperty("retired_at").ValueKind);

        // No more readings; the ones it has stay readable.
        var refused = await (await admin.PostAsync("/api/v1/readings", Reading("2026-11-25T10:00:01Z", 41))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is retired", refused.GetRawText());
        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal(1, history.GetProperty("readings").GetArrayLength());

        // A sensor does not come back before its asset; the asset brings back the sensors that went with it.
        var tooEarly = await (await admin.PostAsync("/api/v1/sensors/pump-1-temp/reinstate", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("reinstate the asset first", tooEarly.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/v1/sites/plant/retire", null)).StatusCode);
        await (await admin.PostAsync("/api/v1/assets/pump-1/reinstate", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/v1/sites/plant/reinstate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/v1/assets/pump-1/reinstate", null)).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/sensors/pump-1-temp")).GetProperty("retired_at").ValueKind);
        (await admin.PostAsync("/api/v1/readings", Reading("2026-11-25T10:00:02Z", 42))).EnsureSuccessStatusCode();

        var entries = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=100")).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "CatalogChanged").Select(e => e.GetProperty("payload"))
            .Select(p => $"{p.GetProperty("kind").GetString()} {p.GetProperty("action").GetString()}").ToList();
        Assert.Equal(["site created", "asset created", "sensor created", "asset retired", "site retired", "site reinstated", "asset reinstated"], entries);
    }
}
