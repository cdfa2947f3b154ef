using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// An asset model registered for an asset kind through the API: the Prediction agent uses its production version for
/// assets of that kind, and <c>/api/v1/ml/predict|explain</c> run it on an asset's stored readings.
/// </summary>
public sealed class AssetModelApiTests
{
    private static readonly Lazy<byte[]> PumpArtifact = new(() =>
    {
        var options = new BoostingOptions { Trees = 30, Leaves = 8 };
        var trained = AssetModelTraining.Train(RunToFailure.FeaturesOf("pump"), [.. RunToFailure.Generate("pump", 16, seed: 2)], options);
        return AssetModelTraining.Pack(trained, options, RunToFailure.Fingerprint("pump", 16, 2), "test").Zip;
    });

    private static async Task RegisterAndPromoteAsync(HttpClient admin, string name, string assetKind)
    {
        var content = new ByteArrayContent(PumpArtifact.Value);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/v1/ml/models/{name}/versions?asset_kind={assetKind}", content)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/ml/models/{name}/versions/1/promote", null)).StatusCode);
    }

    [Fact]
    public async Task The_prediction_agent_uses_the_production_model_of_the_assets_kind_with_its_shap_values()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        // A model for another kind is not used for a pump.
        await RegisterAndPromoteAsync(admin, "fan-health", "fan");
        await RegisterAndPromoteAsync(admin, "pump-health", "pump");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");
        await PumpSignal.InjectSpikeAsync(app, operatorClient);

        var prediction = await PumpSignal.PollAsync(async () =>
        {
            var found = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/predictions?asset_id=pump-1");
            return found.GetArrayLength() > 0 ? found[0] : (JsonElement?)null;
        }, "a prediction for pump-1");
        Assert.False(prediction.GetProperty("is_fallback").GetBoolean());
        Assert.Equal(("pump-health", "1"), (prediction.GetProperty("model_name").GetString(), prediction.GetProperty("model_version").GetString()));
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/pump-health/versions/1");
        Assert.Equal(model.GetProperty("features").EnumerateArray().Select(f => f.GetString()).Order(),
            prediction.GetProperty("explanation").EnumerateObject().Select(e => e.Name).Order());
        Assert.InRange(prediction.GetProperty("failure_probability").GetDouble(), 0, 1);
        Assert.InRange(prediction.GetProperty("remaining_useful_life_hours").GetDouble(), 0, AssetModel.DefaultCapHours);

        // The same model on demand for the same asset: its SHAP values and base value add up to the failure margin,
        // which the calibration turns into the probability it reports.
        var explained = await (await operatorClient.PostAsJsonAsync("/api/v1/ml/explain", new { model = "pump-health", asset_id = "pump-1" })).ReadJsonAsync();
        Assert.Equal(("pump-health", 1, "asset-health"), (explained.GetProperty("model").GetString(), explained.GetProperty("version").GetInt32(),
            explained.GetProperty("kind").GetString()));
        var explanation = explained.GetProperty("explanation");
        Assert.Equal(AssetModel.ExplainedOutput, explanation.GetProperty("output").GetString());
        Assert.Equal(17, explanation.GetProperty("contributions").EnumerateObject().Count());
    }

    [Fact]
    public async Task An_asset_model_needs_a_known_asset_and_its_drift_is_not_posted()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await RegisterAndPromoteAsync(admin, "pump-health", "pump");

        var unknown = await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "pump-health", asset_id = "no-such-asset" });
        Assert.Contains("no-such-asset", (await unknown.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        var noAsset = await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "pump-health" });
        Assert.Contains("asset", (await noAsset.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        var drift = await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "pump-health", machines = new[] { new { type = "L", air_temperature_k = 300, process_temperature_k = 310, rotational_speed_rpm = 1500, torque_nm = 40, tool_wear_min = 10 } } });
        Assert.Contains("asset model", (await drift.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        var nothingYet = await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "pump-health" });
        Assert.Contains("No asset of kind 'pump' has recent readings", (await nothingYet.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());

        // An asset without readings yet: every feature is read as its training median, and the model still answers.
        await app.SeedSensorAsync();
        var quiet = await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "pump-health", asset_id = "pump-1" })).ReadJsonAsync();
        Assert.InRange(quiet.GetProperty("failure_probability").GetDouble(), 0, 1);

        // With readings, the kind's assets over the last day are compared with the model's training distribution.
        await PumpSignal.PostAsync(admin, PumpSignal.Batch(0, 600, PumpSignal.Normal));
        var fleetDrift = await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "pump-health" })).ReadJsonAsync();
        Assert.Equal(("pump-health", 1, "asset-health"), (fleetDrift.GetProperty("model").GetString(), fleetDrift.GetProperty("version").GetInt32(),
            fleetDrift.GetProperty("kind").GetString()));
        Assert.True(fleetDrift.GetProperty("rows").GetInt32() > 0);
        Assert.Equal(17, fleetDrift.GetProperty("features").GetArrayLength());
        // One temperature sensor at 40 % of its range, no vibration, current or pressure: unlike the pumps it learned from.
        Assert.True(fleetDrift.GetProperty("drifted_features").GetInt32() > 0);
    }

    [Fact]
    public async Task Between_anomalies_each_asset_is_assessed_by_its_model_for_its_trend_and_nothing_is_opened()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["ASSESSMENT_INTERVAL"] = "00:00:00" });
        using var admin = app.CreateAdminClient();
        await app.SeedSensorAsync();
        await PumpSignal.PostAsync(admin, PumpSignal.Batch(0, 300, PumpSignal.Normal));
        var agent = app.Services.GetRequiredService<IGrainFactory>().GetGrain<SmartMaintenance.Agents.Contracts.IAssetAgent>(
            SmartMaintenance.Agents.Predictions.AssetAgent.KeyOf(SmartMaintenance.Domain.Tenant.DefaultId, "pump-1"));

        // Without a model there is no routine prediction: the fallback needs an anomaly to judge.
        await agent.RefreshHealthAsync();
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/predictions?asset_id=pump-1")).GetArrayLength());

        await RegisterAndPromoteAsync(admin, "pump-health", "pump");
        await agent.RefreshHealthAsync();
        await agent.RefreshHealthAsync();
        var routine = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/predictions?asset_id=pump-1")).EnumerateArray().ToList();
        Assert.Equal(2, routine.Count);
        Assert.All(routine, p =>
        {
            Assert.Equal("routine", p.GetProperty("correlation_id").GetString());
            Assert.Equal("pump-health", p.GetProperty("model_name").GetString());
            Assert.False(p.GetProperty("is_fallback").GetBoolean());
        });
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/cases")).GetArrayLength());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=routine")).GetProperty("entries").GetArrayLength());
    }
}
