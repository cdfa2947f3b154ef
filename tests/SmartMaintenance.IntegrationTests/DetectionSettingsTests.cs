using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public sealed class DetectionSettingsTests
{
    [Fact]
    public async Task An_admin_sets_a_sensor_type_sensitivity_that_is_listed_audited_and_reset_and_others_may_only_read_it()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");

        var defaults = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/detection/settings");
        Assert.Equal(0.5, defaults.GetProperty("default_sensitivity").GetDouble());
        // The resonance score from which anomalies are raised, and the readings it masks after one (12 steps of 7 readings).
        Assert.Equal(0.4, defaults.GetProperty("default_firing_level").GetDouble(), 9);
        Assert.Equal(84, defaults.GetProperty("hold_off_readings").GetInt32());
        Assert.Equal(0, defaults.GetProperty("sensor_types").GetArrayLength());

        var refused = await viewer.PutAsJsonAsync("/api/v1/detection/settings/vibration", new { sensitivity = 0.9 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var invalid = await admin.PutAsJsonAsync("/api/v1/detection/settings/vibration", new { sensitivity = 1.5 });
        Assert.Contains("from 0 to 1", (await invalid.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());

        var set = await admin.PutAsJsonAsync("/api/v1/detection/settings/vibration", new { sensitivity = 0.75 });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(0.2, (await set.ReadJsonAsync()).GetProperty("firing_level").GetDouble(), 9);
        var listed = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/detection/settings");
        var vibration = Assert.Single(listed.GetProperty("sensor_types").EnumerateArray());
        Assert.Equal(("vibration", 0.75), (vibration.GetProperty("sensor_type").GetString(), vibration.GetProperty("sensitivity").GetDouble()));

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=50");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("type").GetString() == "DetectorSensitivityChanged");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/detection/settings/vibration")).StatusCode);
        await (await admin.DeleteAsync("/api/v1/detection/settings/vibration")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/detection/settings")).GetProperty("sensor_types").GetArrayLength());
    }
}
