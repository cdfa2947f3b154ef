using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public class OperationsTests
{
    [Fact]
    public async Task Health_metrics_and_openapi_are_served()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        await client.PostAsync("/api/v1/readings", new StringContent(
            """[{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1}]""", Encoding.UTF8, "application/json"));
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/ready"));
        var metrics = await anonymous.GetStringAsync("/metrics");
        Assert.Contains("smx_readings_accepted", metrics, StringComparison.Ordinal);
        Assert.Contains("smx_store_write_duration", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/readings", out _));
        Assert.True(openApi.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar")).StatusCode);
    }

    [Fact]
    public async Task Request_id_is_honoured_and_security_headers_are_set()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sensors/readings");
        request.Headers.Add("X-Request-ID", "req-123");

        var response = await client.SendAsync(request);

        Assert.Equal("req-123", response.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("req-123", problem.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Unknown_routes_and_bad_bodies_get_problem_details()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateAdminClient();

        await (await client.GetAsync("/api/v1/nothing-here")).ProblemAsync(HttpStatusCode.NotFound);
        var bad = await (await client.PostAsync("/api/v1/sites", new StringContent("{\"name\": 5", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(bad.GetProperty("detail").GetString()));
        await (await client.PostAsJsonAsync("/api/v1/sites", new { site_id = "bad id!", name = "x" })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Demo_fleet_streams_readings_through_ingestion()
    {
        await using var app = new SmartMaintenanceApplication(demo: true);
        using var client = app.CreateAdminClient();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement sensors;
        do
        {
            sensors = await client.GetFromJsonAsync<JsonElement>("/api/v1/sensors");
            if (sensors.GetArrayLength() >= 30)
            {
                var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=porto-pump-1-vib&limit=2000");
                if (page.GetProperty("readings").GetArrayLength() > 1440)
                {
                    return; // the day's back-fill plus live readings
                }
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The demo fleet did not stream within 60 s ({sensors.GetArrayLength()} sensors).");
    }
}
