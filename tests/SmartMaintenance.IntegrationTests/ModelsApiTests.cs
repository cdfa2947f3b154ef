using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.IntegrationTests;

/// <summary>The model registry over HTTP: register, list, resolve, promote, archive; roles and tenants.</summary>
public sealed class ModelsApiTests
{
    private static ByteArrayContent Artifact(string kind = "stump")
    {
        var path = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.zip");
        var tree = new DecisionTree([0, -1, -1], [0.5f, 0, 0], [1, -1, -1], [2, -1, -1], [0, 1, 2], [10, 5, 5]);
        ModelArtifact.Save(path, kind, new TreeEnsemble(0, [tree], ["cycle"]), "sha-of-training", new Dictionary<string, string> { ["trees"] = "1" }, ["cycle"]);
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        File.Delete(path);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    [Fact]
    public async Task A_planner_registers_and_promotes_versions_and_an_operator_reads_them()
    {
        await using var app = new SmartMaintenanceApplication();
        using var planner = await app.CreateClientWithKeyAsync("planner");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");

        var created = await planner.PostAsync("/api/v1/ml/models/pump-rul/versions", Artifact());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.EndsWith("/api/v1/ml/models/pump-rul/versions/1", created.Headers.Location!.ToString(), StringComparison.Ordinal);
        var first = await created.ReadJsonAsync();
        Assert.Equal("staging", first.GetProperty("stage").GetString());
        Assert.Equal("stump", first.GetProperty("kind").GetString());
        Assert.Equal(64, first.GetProperty("sha256").GetString()!.Length);
        Assert.Equal("cycle", first.GetProperty("features")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, (await planner.PostAsync("/api/v1/ml/models/pump-rul/versions?parent_version=1", Artifact())).StatusCode);

        await (await operatorClient.GetAsync("/api/v1/ml/models/pump-rul/versions/production")).ProblemAsync(HttpStatusCode.NotFound);
        var promoted = await (await planner.PostAsync("/api/v1/ml/models/pump-rul/versions/2/promote", null)).ReadJsonAsync();
        Assert.Equal("production", promoted[0].GetProperty("stage").GetString());

        var models = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models");
        var pump = models.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "pump-rul");
        Assert.Equal((2, 2, 2), (pump.GetProperty("versions").GetInt32(), pump.GetProperty("latest_version").GetInt32(), pump.GetProperty("production_version").GetInt32()));
        Assert.Equal(2, (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/pump-rul/versions/production")).GetProperty("version").GetInt32());
        Assert.Equal(2, (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/pump-rul/latest")).GetProperty("version").GetInt32());
        Assert.Equal(1, (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/pump-rul/versions")).EnumerateArray()
            .Single(v => v.GetProperty("version").GetInt32() == 2).GetProperty("parent_version").GetInt32());

        Assert.Equal(HttpStatusCode.Created, (await planner.PostAsync("/api/v1/ml/models/fan-rul/versions?asset_kind=fan", Artifact())).StatusCode);
        var recommended = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/recommendations?asset_kind=fan");
        Assert.Equal(1, recommended.GetArrayLength());
        Assert.Equal((1, "fan-rul", "fan"), (recommended[0].GetProperty("rank").GetInt32(), recommended[0].GetProperty("model").GetProperty("name").GetString(),
            recommended[0].GetProperty("model").GetProperty("asset_kind").GetString()));
        Assert.Equal(3, (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/recommendations")).GetArrayLength());

        await (await operatorClient.PostAsync("/api/v1/ml/models/pump-rul/versions", Artifact())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await operatorClient.PostAsync("/api/v1/ml/models/pump-rul/versions/1/archive", null)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("archived", (await (await planner.PostAsync("/api/v1/ml/models/pump-rul/versions/1/archive", null)).ReadJsonAsync())[0]
            .GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Bad_registrations_get_a_problem_that_says_why_and_store_nothing()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();

        var notZip = new ByteArrayContent([1, 2, 3]);
        var invalid = await (await admin.PostAsync("/api/v1/ml/models/pump-rul/versions", notZip)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("model", invalid.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await (await admin.PostAsync("/api/v1/ml/models/Pump%20RUL/versions", Artifact())).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsync("/api/v1/ml/models/pump-rul/versions", new ByteArrayContent([]))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsync("/api/v1/ml/models/pump-rul/versions?parent_version=3", Artifact())).ProblemAsync(HttpStatusCode.NotFound);

        await (await admin.GetAsync("/api/v1/ml/models/pump-rul/versions")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/ml/models/pump-rul/versions/latest")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/v1/ml/models/pump-rul/versions/1/promote", null)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models")).GetArrayLength());
    }

    [Fact]
    public async Task Another_tenants_models_are_invisible()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/ml/models/pump-rul/versions", Artifact())).StatusCode);
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "ACME" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("planner", tenant.GetProperty("id").GetInt64());

        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/ml/models")).GetArrayLength());
        await (await other.GetAsync("/api/v1/ml/models/pump-rul/latest")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync("/api/v1/ml/models/pump-rul/versions/1/promote", null)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
