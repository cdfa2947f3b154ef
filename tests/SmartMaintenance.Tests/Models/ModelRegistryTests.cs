using Microsoft.Extensions.Time.Testing;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Storage.Sqlite;
using SmartMaintenance.Tests.Storage;

namespace SmartMaintenance.Tests.Models;

/// <summary>The registry on a real SQLite file and a real artifact folder.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly SqliteEventLog _audit;
    private readonly ModelRegistry _registry;
    private long _tenant;

    public ModelRegistryTests()
    {
        _audit = new SqliteEventLog(_temp.Database, _time);
        _registry = new ModelRegistry(new SqliteModelRegistryStore(_temp.Database), _audit, _time, new FolderModelArtifactStore(Path.Combine(_temp.Folder, "models")));
    }

    public void Dispose() => _temp.Dispose();

    private async Task<long> TenantAsync() =>
        _tenant = _tenant != 0 ? _tenant : (await new SqliteCatalogStore(_temp.Database, _time).CreateTenantAsync("acme", "Acme", default)).Id;

    // A tiny but real model artifact: one stump on feature "x".
    private byte[] Artifact(double leaf, string kind = "test-kind")
    {
        var tree = new DecisionTree([0, -1, -1], [0.5f, 0, 0], [1, -1, -1], [2, -1, -1], [0, -leaf, leaf], [10, 5, 5]);
        var path = Path.Combine(_temp.Folder, $"{Guid.NewGuid():N}.zip");
        ModelArtifact.Save(path, kind, new TreeEnsemble(1, [tree], ["x"]), "fingerprint", new Dictionary<string, string> { ["trees"] = "1" }, ["x"],
            new Dictionary<string, double> { ["cv_rmse"] = leaf + 0.5 });
        return File.ReadAllBytes(path);
    }

    [Fact]
    public async Task Versions_are_numbered_per_name_and_references_resolve_explicitly()
    {
        var tenant = await TenantAsync();
        var (first, _) = await _registry.RegisterAsync(tenant, "pump-rul", Artifact(1), "alice", null, null, default);
        var (second, _) = await _registry.RegisterAsync(tenant, "pump-rul", Artifact(2), "alice", parentVersion: 1, null, default);
        var (other, _) = await _registry.RegisterAsync(tenant, "fan-rul", Artifact(3), "bob", null, null, default);

        Assert.Equal((1, 2, 1), (first!.Version, second!.Version, other!.Version));
        Assert.Equal(["x"], second.Features);
        Assert.Equal(2.5, second.Metrics["cv_rmse"]);
        Assert.Equal(1, second.ParentVersion);
        Assert.Equal(2, (await _registry.ResolveAsync(tenant, "pump-rul", "latest", default)).Version!.Version);
        Assert.Equal(1, (await _registry.ResolveAsync(tenant, "pump-rul", "1", default)).Version!.Version);

        // Nothing is in production yet: an error, not the latest version.
        var (none, error) = await _registry.ResolveAsync(tenant, "pump-rul", "production", default);
        Assert.Null(none);
        Assert.Equal(RegistryErrorKind.NoVersionInStage, error!.Kind);
        Assert.Equal(RegistryErrorKind.UnknownVersion, (await _registry.ResolveAsync(tenant, "pump-rul", "7", default)).Error!.Kind);
        Assert.Equal(RegistryErrorKind.UnknownModel, (await _registry.ResolveAsync(tenant, "nothing", "latest", default)).Error!.Kind);
    }

    [Fact]
    public async Task Promoting_archives_the_previous_production_version_and_every_step_is_audited()
    {
        var tenant = await TenantAsync();
        await _registry.RegisterAsync(tenant, "pump-rul", Artifact(1), "alice", null, null, default);
        await _registry.RegisterAsync(tenant, "pump-rul", Artifact(2), "alice", null, null, default);

        await _registry.SetStageAsync(tenant, "pump-rul", 1, ModelStage.Production, "alice", default);
        var changed = await _registry.SetStageAsync(tenant, "pump-rul", 2, ModelStage.Production, "carol", default);

        Assert.Equal([(1, ModelStage.Archived), (2, ModelStage.Production)], changed.OrderBy(v => v.Version).Select(v => (v.Version, v.Stage)));
        Assert.Equal(2, (await _registry.ResolveAsync(tenant, "pump-rul", "production", default)).Version!.Version);
        Assert.Empty(await _registry.SetStageAsync(tenant, "pump-rul", 9, ModelStage.Production, "carol", default));

        var entries = await _audit.ListAsync(tenant, "model:pump-rul", 0, 100, default);
        Assert.Equal(["ModelRegistered", "ModelRegistered", "ModelStageChanged", "ModelStageChanged", "ModelStageChanged"], entries.Select(e => e.Type));
        Assert.Contains(entries, e => e.Actor == "carol" && e.Payload.Contains("\"archived\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_loaded_model_is_the_registered_one_and_a_changed_artifact_is_refused_and_audited()
    {
        var tenant = await TenantAsync();
        var (version, _) = await _registry.RegisterAsync(tenant, "pump-rul", Artifact(4), "alice", null, null, default);

        var (model, _) = await _registry.LoadAsync<TreeEnsemble>(version!, "test-kind", default);
        Assert.Equal(5, model.Predict([0.9f]), 9);

        var file = Path.Combine(_temp.Folder, "models", version!.Artifact);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var refused = await Assert.ThrowsAsync<ModelIntegrityException>(() => _registry.LoadAsync<TreeEnsemble>(version, "test-kind", default));
        Assert.Contains("SHA-256", refused.Message);
        Assert.Contains(await _audit.ListAsync(tenant, "model:pump-rul", 0, 100, default), e => e.Type == "ModelIntegrityFailed");
    }

    // A zip with the given manifest and model texts, the manifest's hash made to match the model.
    private static byte[] Handmade(string manifest, string model)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(model)));
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("manifest.json", manifest.Replace("SHA", sha, StringComparison.Ordinal)), ("model.json", model) })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }

    [Fact]
    public async Task Broken_manifests_and_models_are_refused_at_registration_and_leave_no_file()
    {
        var tenant = await TenantAsync();
        const string manifest = """{"kind":"rul","formatVersion":1,"createdAt":"2026-12-01T00:00:00Z","trainingFingerprint":"x","parameters":{},"modelSha256":"SHA"}""";
        // A tree whose inner node points back at itself would make a prediction loop for ever.
        const string cyclic = """
            {"features":{"regimes":{"centroids":[[0,0,100]],"mean":[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]],"deviation":[[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]]},"sensors":[0]},
             "trees":{"bias":0,"trees":[{"feature":[0,-1,-1],"threshold":[0.5,0,0],"left":[0,-1,-1],"right":[2,-1,-1],"value":[0,1,2],"cover":[10,5,5]}],
                      "featureNames":["cycle","s1_last","s1_mean5","s1_mean20","s1_slope20","s1_drift"]},"cap":125}
            """;

        var bad = new (byte[] Artifact, string Expected)[]
        {
            (Handmade("{not json", "{}"), "not valid JSON"),
            (Handmade(manifest.Replace("\"kind\":\"rul\"", "\"kind\":null", StringComparison.Ordinal), "{}"), "lacks its kind"),
            (Handmade(manifest, cyclic), "out of range"),
            (Handmade(manifest, "{\"cap\":125"), "does not read"),
            (Handmade(manifest.Replace("\"SHA\"}", "\"SHA\",\"features\":[\"a\"],\"reference\":[{\"name\":\"a\",\"count\":1,\"percentiles\":[1]}]}", StringComparison.Ordinal), "{}"),
                "reference distributions"),
        };
        foreach (var (artifact, expected) in bad)
        {
            var (version, error) = await _registry.RegisterAsync(tenant, "engine", artifact, "mallory", null, null, default);
            Assert.Null(version);
            Assert.Equal(RegistryErrorKind.InvalidArtifact, error!.Kind);
            Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(RegistryErrorKind.InvalidName, (await _registry.RegisterAsync(tenant, "engine\n", Artifact(1), "a", null, null, default)).Error!.Kind);
        Assert.Empty(await _registry.VersionsAsync(tenant, default));
        var folder = Path.Combine(_temp.Folder, "models");
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Recommendations_rank_the_asset_kinds_versions_by_their_metric_and_leave_out_archived_ones()
    {
        var tenant = await TenantAsync();
        async Task<ModelVersion> Register(string name, double? score, string assetKind) =>
            (await _registry.RegisterAsync(tenant, name, Artifact(1), "alice", null,
                score is { } s ? new Dictionary<string, double> { ["cv_score"] = s } : new Dictionary<string, double>(), default, assetKind)).Version!;

        await Register("pump-a", 0.7, "pump");
        await Register("pump-b", 0.9, "pump");
        await Register("pump-c", null, "pump");
        var archived = await Register("pump-d", 0.99, "pump");
        await _registry.SetStageAsync(tenant, archived.Name, archived.Version, ModelStage.Archived, "alice", default);
        await Register("fan-a", 0.95, "fan");

        var ranked = await _registry.RecommendAsync(tenant, "PUMP", null, default);

        Assert.Equal(["pump-b", "pump-a", "pump-c"], ranked.Select(r => r.Version.Name));
        Assert.Equal([0.9, 0.7, null], ranked.Select(r => r.Value));
        Assert.All(ranked, r => Assert.Equal("pump", r.Version.AssetKind));
        Assert.Equal(4, (await _registry.RecommendAsync(tenant, null, null, default)).Count);
    }

    [Fact]
    public async Task Bad_names_artifacts_kinds_and_parents_are_refused_with_a_reason()
    {
        var tenant = await TenantAsync();
        Assert.Equal(RegistryErrorKind.InvalidName, (await _registry.RegisterAsync(tenant, "Pump RUL!", Artifact(1), "a", null, null, default)).Error!.Kind);
        Assert.Equal(RegistryErrorKind.InvalidArtifact, (await _registry.RegisterAsync(tenant, "pump", [1, 2, 3], "a", null, null, default)).Error!.Kind);
        await _registry.RegisterAsync(tenant, "pump", Artifact(1), "a", null, null, default);
        Assert.Equal(RegistryErrorKind.InvalidArtifact, (await _registry.RegisterAsync(tenant, "pump", Artifact(1, kind: "other"), "a", null, null, default)).Error!.Kind);
        Assert.Equal(RegistryErrorKind.UnknownVersion, (await _registry.RegisterAsync(tenant, "pump", Artifact(1), "a", parentVersion: 5, null, default)).Error!.Kind);
        Assert.Single(await _registry.VersionsAsync(tenant, "pump", default));
    }
}
