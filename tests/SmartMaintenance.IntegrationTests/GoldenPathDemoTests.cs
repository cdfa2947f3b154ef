using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public class GoldenPathDemoTests
{
    [Fact]
    public async Task The_golden_path_demo_runs_the_real_pipeline_and_reports_each_step_with_its_time()
    {
        await using var app = new SmartMaintenanceApplication(demo: true, demoModels: true);
        using var admin = app.CreateAdminClient();
        // The demo's pump model is trained in the background at first start; the run starts once it serves.
        var model = await PumpSignal.PollAsync(async () =>
        {
            var response = await admin.GetAsync("/api/v1/ml/models/asset-pump/versions/production");
            return response.IsSuccessStatusCode ? await response.ReadJsonAsync() : (JsonElement?)null;
        }, "the demo's pump model in production", seconds: 180);
        Assert.Equal("asset-health", model.GetProperty("kind").GetString());
        Assert.Equal("pump", model.GetProperty("asset_kind").GetString());
        Assert.Equal("demo:model-setup", model.GetProperty("created_by").GetString());
        Assert.True(model.GetProperty("metrics").GetProperty("cv_f1").GetDouble() > 0.5);
        // As a person would: start once the fleet streams live, not while its back-fill of the last day is still arriving.
        await PumpSignal.PollAsync(async () =>
        {
            var response = await admin.GetAsync("/api/v1/sensors/readings?sensor_id=porto-pump-1-vib&limit=5");
            if (!response.IsSuccessStatusCode)
            {
                return (bool?)null;
            }

            var recent = (await response.ReadJsonAsync()).GetProperty("readings").EnumerateArray()
                .Count(r => r.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-15));
            return recent >= 5 ? true : null;
        }, "live demo fleet");

        var started = await admin.PostAsJsonAsync("/api/v1/demo/golden-path", new { auto_decide = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var correlationId = (await started.ReadJsonAsync()).GetProperty("correlation_id").GetString();
        Assert.Equal($"/api/v1/demo/golden-path/status/{correlationId}", started.Headers.Location?.OriginalString);

        JsonElement last = default;
        var final = await PumpSignal.PollAsync(async () =>
        {
            var status = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/demo/golden-path/status/{correlationId}");
            last = status;
            return status.GetProperty("status").GetString() == "running" ? (JsonElement?)null : status;
        }, "end of the golden path", () => $"last status: {last}");

        Assert.True(final.GetProperty("status").GetString() == "completed", final.ToString());
        var steps = final.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(
            ["fault_injected", "anomaly_detected", "anomaly_validated", "maintenance_predicted", "case_opened", "decision",
             "maintenance_scheduled", "maintenance_completed", "case_closed"],
            steps.Select(s => s.GetProperty("name").GetString()));
        Assert.All(steps, s => Assert.Equal("done", s.GetProperty("status").GetString()));
        var times = steps.Select(s => s.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.Equal(times.Order(), times);
        Assert.True(steps[4].GetProperty("links").TryGetProperty("case_id", out _));

        // The prediction came from the registered model, named with its version, with an exact SHAP value per feature.
        var predictionId = steps[3].GetProperty("links").GetProperty("prediction_id").GetString();
        var assetId = steps[3].GetProperty("links").GetProperty("asset_id").GetString();
        var prediction = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/predictions?asset_id={assetId}")).EnumerateArray()
            .Single(p => p.GetProperty("prediction_id").GetString() == predictionId);
        Assert.False(prediction.GetProperty("is_fallback").GetBoolean());
        Assert.Equal("asset-pump", prediction.GetProperty("model_name").GetString());
        Assert.Equal(model.GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            prediction.GetProperty("model_version").GetString());
        Assert.Equal(model.GetProperty("features").EnumerateArray().Select(f => f.GetString()).Order(),
            prediction.GetProperty("explanation").EnumerateObject().Select(e => e.Name).Order());
        Assert.True(double.IsFinite(prediction.GetProperty("explanation_base").GetDouble()));
        var predicted = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={correlationId}")).GetProperty("entries")
            .EnumerateArray().First(e => e.GetProperty("type").GetString() == "MaintenancePredicted").GetProperty("payload");
        Assert.Equal($"asset-pump v{prediction.GetProperty("model_version").GetString()}", predicted.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, predicted.GetProperty("fallback_reason").ValueKind);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify")).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_host_stopped_while_the_demo_models_train_stops_cleanly_and_the_next_start_trains_what_is_missing()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-it-").FullName;
        try
        {
            // Stopped a few seconds into first-start training (about a minute of work): the stop must not wait for it
            // to end, nor fail when it cannot.
            var first = new SmartMaintenanceApplication(demo: true, demoModels: true, dataDir: dataDir);
            using (var admin = first.CreateAdminClient())
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/live")).StatusCode);
                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            await first.DisposeAsync();

            await using var second = new SmartMaintenanceApplication(demo: true, demoModels: true, dataDir: dataDir);
            using var again = second.CreateAdminClient();
            var models = await PumpSignal.PollAsync(async () =>
            {
                var listed = await again.GetFromJsonAsync<JsonElement>("/api/v1/ml/models");
                return listed.GetArrayLength() == DemoFleetKinds ? listed : (JsonElement?)null;
            }, "all the demo's models", seconds: 600);
            Assert.All(models.EnumerateArray(), m => Assert.Equal(1, m.GetProperty("versions").GetInt32()));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static readonly int DemoFleetKinds = SmartMaintenance.Simulation.DemoFleet.SensorKinds.Count;

    [Fact]
    public async Task Without_the_demo_fleet_the_golden_path_says_why_it_cannot_run()
    {
        await using var app = new SmartMaintenanceApplication(demo: false);
        using var admin = app.CreateAdminClient();
        var refused = await admin.PostAsJsonAsync("/api/v1/demo/golden-path", new { });
        Assert.Contains("SMX_DEMO=0", (await refused.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        await (await admin.GetAsync("/api/v1/demo/golden-path/status/nope")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
