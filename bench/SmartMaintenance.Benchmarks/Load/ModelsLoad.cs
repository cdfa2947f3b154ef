using System.Net.Http.Headers;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Benchmarks.Load;

/// <summary>
/// The registry's read path: registers 50 models × 20 versions (small real artifacts) when the registry has fewer,
/// then times <c>GET /api/v1/ml/models</c> and one model's version list.
/// </summary>
internal static class ModelsLoad
{
    private const int Models = 50;
    private const int VersionsPerModel = 20;

    public static async Task<LoadResult> RunAsync(LoadOptions options, HttpClient client)
    {
        var folder = Directory.CreateTempSubdirectory("smx-models-load-").FullName;
        try
        {
            for (var v = 1; v <= VersionsPerModel; v++)
            {
                var artifact = Artifact(folder, v);
                for (var m = 0; m < Models; m++)
                {
                    var name = $"load-model-{m}";
                    using var existing = await client.GetAsync($"/api/v1/ml/models/{name}/versions/{v}");
                    if (existing.IsSuccessStatusCode)
                    {
                        continue;
                    }

                    using var content = new ByteArrayContent(artifact);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
                    using var response = await client.PostAsync($"/api/v1/ml/models/{name}/versions", content);
                    response.EnsureSuccessStatusCode();
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine($"registry: {Models} models × {VersionsPerModel} versions");
        var versions = await LoadCommand.RunTimedAsync(options, (c, n, ct) => LoadCommand.GetAsync(c, $"/api/v1/ml/models/load-model-{n % Models}/versions", ct), client);
        versions.Print("model versions", 0);
        return await LoadCommand.RunTimedAsync(options, (c, _, ct) => LoadCommand.GetAsync(c, "/api/v1/ml/models", ct), client);
    }

    // A one-stump model; each version's leaf differs, so each is its own artifact.
    private static byte[] Artifact(string folder, int version)
    {
        var tree = new DecisionTree([0, -1, -1], [0.5f, 0, 0], [1, -1, -1], [2, -1, -1], [0, -version, version], [10, 5, 5]);
        var path = Path.Combine(folder, $"v{version}.zip");
        ModelArtifact.Save(path, "stump", new TreeEnsemble(0, [tree], ["cycle"]), "load-test",
            new Dictionary<string, string> { ["trainer"] = "load test stump" }, ["cycle"]);
        return File.ReadAllBytes(path);
    }
}
