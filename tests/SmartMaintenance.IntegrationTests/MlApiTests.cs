using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>/api/v1/ml/predict</c> and <c>/explain</c> with a RUL model trained here and registered through the API.</summary>
public sealed class MlApiTests
{
    private static readonly Lazy<byte[]> RulArtifact = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("smx-ml-").FullName;
        try
        {
            var train = Path.Combine(folder, "train.txt");
            File.WriteAllLines(train, SyntheticEngines.Lines(units: 30, seed: 1, keep: life => life));
            var units = CmapssData.Read(train);
            var model = RulModel.Train(units, new BoostingOptions { Trees = 50 });
            var path = Path.Combine(folder, "rul.zip");
            ModelArtifact.Save(path, RulModel.Kind, model, "synthetic", new Dictionary<string, string>(), model.Trees.FeatureNames,
                reference: FeatureReference.Of(model.Trees.FeatureNames, model.Rows(units)));
            return File.ReadAllBytes(path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    });

    // The first `keep` cycles of a 220-cycle engine as the API takes them: 3 settings then 21 sensors (+ offset).
    internal static double[][] Cycles(int keep, int seed = 9, double offset = 0) =>
    [
        .. SyntheticEngines.Engine(1, 220, keep, new Random(seed))
            .Select(l => l.Split(' ').Skip(2).Select((v, i) => double.Parse(v, CultureInfo.InvariantCulture) + (i >= 3 ? offset : 0)).ToArray()),
    ];

    internal static async Task RegisterAsync(HttpClient client, string name)
    {
        var content = new ByteArrayContent(RulArtifact.Value);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync($"/api/v1/ml/models/{name}/versions", content)).StatusCode);
    }

    [Fact]
    public async Task The_production_version_predicts_and_explains_a_rul_that_adds_up()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await RegisterAsync(admin, "engine-rul");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");

        // Registered but not promoted: production does not resolve, and nothing else is used instead.
        await (await operatorClient.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", cycles = Cycles(30) }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await admin.PostAsync("/api/v1/ml/models/engine-rul/versions/1/promote", null);

        var early = await (await operatorClient.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", cycles = Cycles(30) })).ReadJsonAsync();
        var late = await (await operatorClient.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", cycles = Cycles(210) })).ReadJsonAsync();
        Assert.Equal(("engine-rul", 1, "rul"), (early.GetProperty("model").GetString(), early.GetProperty("version").GetInt32(), early.GetProperty("kind").GetString()));
        Assert.True(early.GetProperty("remaining_useful_life").GetDouble() > late.GetProperty("remaining_useful_life").GetDouble() + 40);
        Assert.Equal(JsonValueKind.Null, early.GetProperty("explanation").ValueKind);

        var explained = await (await operatorClient.PostAsJsonAsync("/api/v1/ml/explain", new { model = "engine-rul", version = "1", cycles = Cycles(120) })).ReadJsonAsync();
        var explanation = explained.GetProperty("explanation");
        var total = explanation.GetProperty("base_value").GetDouble() + explanation.GetProperty("contributions").EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal("rul_before_clamp", explanation.GetProperty("output").GetString());
        Assert.Equal(explained.GetProperty("remaining_useful_life").GetDouble(), total, 4);
        Assert.True(explanation.GetProperty("contributions").TryGetProperty("cycle", out _));
    }

    [Fact]
    public async Task Engines_like_the_training_ones_do_not_drift_and_shifted_sensors_do()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await RegisterAsync(admin, "engine-rul");

        var alike = await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift",
            new { model = "engine-rul", version = "latest", units = Enumerable.Range(0, 8).Select(s => Cycles(220, seed: 100 + s)) })).ReadJsonAsync();
        var shifted = await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift",
            new { model = "engine-rul", version = "latest", units = Enumerable.Range(0, 8).Select(s => Cycles(220, seed: 100 + s, offset: 3)) })).ReadJsonAsync();

        Assert.Equal(8 * 220, alike.GetProperty("rows").GetInt32());
        var features = alike.GetProperty("features").GetArrayLength();
        Assert.True(alike.GetProperty("drifted_features").GetInt32() <= features / 10, alike.GetProperty("drifted_features").ToString());
        Assert.True(shifted.GetProperty("drifted_features").GetInt32() >= features / 2, shifted.GetProperty("drifted_features").ToString());
        Assert.Contains(shifted.GetProperty("features").EnumerateArray(), f => f.GetProperty("feature").GetString() == "s5_last" && f.GetProperty("drifted").GetBoolean());
        await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "engine-rul", version = "latest" })).ProblemAsync(HttpStatusCode.BadRequest);
        var nullUnit = await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "engine-rul", version = "latest", units = new object?[] { Cycles(30), null } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("units[1]", nullUnit.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var nullMachine = await (await admin.PostAsJsonAsync("/api/v1/ml/check_drift", new { model = "engine-rul", version = "latest", machines = new object?[] { null } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("machines[0]", nullMachine.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_inputs_and_a_changed_artifact_get_problems_not_predictions()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await RegisterAsync(admin, "engine-rul");

        await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", version = "latest" })).ProblemAsync(HttpStatusCode.BadRequest);
        var malformed = new StringContent("{\"model\": \"engine-rul\", \"cycles\": [[1,2", System.Text.Encoding.UTF8, "application/json");
        await (await admin.PostAsync("/api/v1/ml/predict", malformed)).ProblemAsync(HttpStatusCode.BadRequest);
        var machine = new { type = "L", air_temperature_k = 300, process_temperature_k = 310, rotational_speed_rpm = 1500, torque_nm = 40, tool_wear_min = 10 };
        await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", version = "latest", machine })).ProblemAsync(HttpStatusCode.BadRequest);
        var shortCycle = await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", version = "latest", cycles = new[] { new[] { 1.0, 2.0 } } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cycles[0]", shortCycle.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "nothing", version = "latest", cycles = Cycles(30) })).ProblemAsync(HttpStatusCode.NotFound);

        // The stored artifact changed behind the registry's back: a file in the data folder, a row in PostgreSQL.
        if (SmartMaintenanceApplication.PostgresServer is { Length: > 0 })
        {
            Assert.Equal(1, await SmartMaintenanceApplication.SqlAsync(app.DataDir, "UPDATE model_artifacts SET bytes = bytes || '\\x00'::bytea"));
        }
        else
        {
            var artifact = Directory.EnumerateFiles(Path.Combine(app.DataDir, "models"), "*.zip", SearchOption.AllDirectories).Single();
            var bytes = File.ReadAllBytes(artifact);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(artifact, bytes);
        }
        var refused = await (await admin.PostAsJsonAsync("/api/v1/ml/predict", new { model = "engine-rul", version = "latest", cycles = Cycles(30) }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("SHA-256", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=model:engine-rul");
        Assert.Contains("ModelIntegrityFailed", audit.GetRawText(), StringComparison.Ordinal);
    }
}
