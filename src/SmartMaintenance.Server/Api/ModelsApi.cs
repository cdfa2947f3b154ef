using System.Globalization;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Models.Registry;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// The model registry under the original system's paths: list models and versions (from memory), resolve
/// <c>latest</c>/<c>production</c>/a number explicitly, register an artifact written by <c>smx rul|failure train</c>,
/// promote and archive. Reading needs <c>ml:predict</c>; changing needs <c>ml:train</c> (planners and admins).
/// </summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Models", "/ml/models");

        group.MapGet("/", ListAsync).WithName("ListModels").RequireAuthorization(Scopes.MlPredict)
            .WithSummary("Registered models: kind, version count, latest and production versions");
        group.MapGet("/recommendations", RecommendAsync).WithName("RecommendModels").RequireAuthorization(Scopes.MlPredict)
            .WithSummary("Versions not archived, of an asset kind and reading a sensor type if given, best measured first (cv_rmse for RUL, cv_f1 for failure and asset models)");
        group.MapGet("/{name}/versions", VersionsAsync).WithName("ListModelVersions").RequireAuthorization(Scopes.MlPredict)
            .WithSummary("Every version of a model, oldest first, with stage, metrics, features and artifact hash");
        group.MapGet("/{name}/latest", (HttpContext context, ModelRegistry registry, string name) => ResolveAsync(context, registry, name, "latest"))
            .WithName("GetLatestModelVersion").RequireAuthorization(Scopes.MlPredict).WithSummary("The newest version of a model");
        group.MapGet("/{name}/versions/{reference}", ResolveAsync).WithName("GetModelVersion").RequireAuthorization(Scopes.MlPredict)
            .WithSummary("One version: a number, latest, production or staging; 404 says which does not exist");
        group.MapPost("/{name}/versions", RegisterAsync).WithName("RegisterModelVersion").RequireAuthorization(Scopes.MlTrain)
            .Accepts<Stream>("application/zip", "application/octet-stream")
            .WithSummary("Registers a model artifact (the zip `smx rul|failure train` writes) as the next version, in staging");
        group.MapPost("/{name}/versions/{version:int}/promote", (HttpContext c, ModelRegistry r, string name, int version) =>
                SetStageAsync(c, r, name, version, ModelStage.Production))
            .WithName("PromoteModelVersion").RequireAuthorization(Scopes.MlTrain)
            .WithSummary("Puts a version in production; the previous production version is archived");
        group.MapPost("/{name}/versions/{version:int}/archive", (HttpContext c, ModelRegistry r, string name, int version) =>
                SetStageAsync(c, r, name, version, ModelStage.Archived))
            .WithName("ArchiveModelVersion").RequireAuthorization(Scopes.MlTrain).WithSummary("Retires a version");
        return app;
    }

    private static async Task<Ok<IEnumerable<ModelSummaryResponse>>> ListAsync(HttpContext context, ModelRegistry registry)
    {
        var versions = await registry.VersionsAsync(context.User.TenantIdOf(), context.RequestAborted);
        return TypedResults.Ok(versions.GroupBy(v => v.Name).Select(ModelSummaryResponse.From));
    }

    private static async Task<Ok<IEnumerable<RecommendationResponse>>> RecommendAsync(
        HttpContext context, ModelRegistry registry, [FromQuery(Name = "asset_kind")] string? assetKind, [FromQuery(Name = "sensor_type")] string? sensorType)
    {
        static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        var ranked = await registry.RecommendAsync(context.User.TenantIdOf(), Given(assetKind), Given(sensorType), context.RequestAborted);
        return TypedResults.Ok(ranked.Select((r, i) => new RecommendationResponse(i + 1, r.Metric, r.Value, ModelVersionResponse.From(r.Version))));
    }

    private static async Task<Results<Ok<IEnumerable<ModelVersionResponse>>, ProblemHttpResult>> VersionsAsync(
        HttpContext context, ModelRegistry registry, string name)
    {
        var versions = await registry.VersionsAsync(context.User.TenantIdOf(), name, context.RequestAborted);
        return versions.Count == 0
            ? Problems.Result(StatusCodes.Status404NotFound, "Unknown model", $"No model named '{name}' is registered.")
            : TypedResults.Ok(versions.Select(ModelVersionResponse.From));
    }

    private static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> ResolveAsync(
        HttpContext context, ModelRegistry registry, string name, string reference)
    {
        var (version, error) = await registry.ResolveAsync(context.User.TenantIdOf(), name, reference, context.RequestAborted);
        return version is null ? Problem(error!) : TypedResults.Ok(ModelVersionResponse.From(version));
    }

    private static async Task<Results<Created<ModelVersionResponse>, ProblemHttpResult>> RegisterAsync(
        HttpContext context, ModelRegistry registry, string name, [FromQuery(Name = "parent_version")] int? parentVersion,
        [FromQuery(Name = "asset_kind")] string? assetKind)
    {
        using var body = await RequestBody.ReadAsync(context.Request, ModelRegistry.MaxArtifactBytes, context.RequestAborted);
        if (body is null)
        {
            return Problems.Result(StatusCodes.Status413PayloadTooLarge, "Artifact too large",
                $"A model artifact may be at most {ModelRegistry.MaxArtifactBytes / (1024 * 1024)} MB.");
        }

        if (body.Memory.Length == 0)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "No artifact", "The body must be the model's zip file.");
        }

        var (version, error) = await registry.RegisterAsync(context.User.TenantIdOf(), name, body.Memory.ToArray(), context.User.ActorOf(),
            parentVersion, metrics: null, context.RequestAborted, string.IsNullOrWhiteSpace(assetKind) ? null : assetKind.Trim());
        return version is null
            ? Problem(error!)
            : TypedResults.Created($"/api/v1/ml/models/{name}/versions/{version.Version.ToString(CultureInfo.InvariantCulture)}", ModelVersionResponse.From(version));
    }

    private static async Task<Results<Ok<IEnumerable<ModelVersionResponse>>, ProblemHttpResult>> SetStageAsync(
        HttpContext context, ModelRegistry registry, string name, int version, ModelStage stage)
    {
        var changed = await registry.SetStageAsync(context.User.TenantIdOf(), name, version, stage, context.User.ActorOf(), context.RequestAborted);
        return changed.Count == 0
            ? Problems.Result(StatusCodes.Status404NotFound, "Unknown model version", $"'{name}' has no version {version}.")
            : TypedResults.Ok(changed.Select(ModelVersionResponse.From));
    }

    public static ProblemHttpResult Problem(RegistryError error) => error.Kind switch
    {
        RegistryErrorKind.UnknownModel => Problems.Result(StatusCodes.Status404NotFound, "Unknown model", error.Detail),
        RegistryErrorKind.UnknownVersion => Problems.Result(StatusCodes.Status404NotFound, "Unknown model version", error.Detail),
        RegistryErrorKind.NoVersionInStage => Problems.Result(StatusCodes.Status404NotFound, "No version in that stage", error.Detail),
        RegistryErrorKind.InvalidName => Problems.Result(StatusCodes.Status400BadRequest, "Invalid model name", error.Detail),
        RegistryErrorKind.InvalidInput => Problems.Result(StatusCodes.Status400BadRequest, "Invalid model input", error.Detail),
        _ => Problems.Result(StatusCodes.Status422UnprocessableEntity, "Invalid model artifact", error.Detail),
    };
}

public sealed record ModelSummaryResponse(string Name, string Kind, int Versions, int LatestVersion, int? ProductionVersion, DateTimeOffset UpdatedAt)
{
    public static ModelSummaryResponse From(IGrouping<string, ModelVersion> versions) => new(
        versions.Key, versions.First().Kind, versions.Count(), versions.Max(v => v.Version),
        versions.Where(v => v.Stage == ModelStage.Production).Select(v => (int?)v.Version).FirstOrDefault(),
        versions.Max(v => v.StageChangedAt > v.CreatedAt ? v.StageChangedAt : v.CreatedAt));
}

public sealed record ModelVersionResponse(
    string Name, int Version, string Kind, string? AssetKind, ModelStage Stage, string Sha256, IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Features, string TrainingFingerprint, string CreatedBy,
    int? ParentVersion, DateTimeOffset CreatedAt, DateTimeOffset StageChangedAt)
{
    public static ModelVersionResponse From(ModelVersion v) => new(
        v.Name, v.Version, v.Kind, v.AssetKind, v.Stage, v.Sha256, v.Parameters, v.Metrics, v.Features, v.TrainingFingerprint, v.CreatedBy,
        v.ParentVersion, v.CreatedAt, v.StageChangedAt);
}

/// <summary>One recommended version: its rank, the metric ranked by and its value (null when never measured).</summary>
public sealed record RecommendationResponse(int Rank, string Metric, double? Value, ModelVersionResponse Model);
