using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Agents.Learning;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Training on the tenant's own fleet (<c>POST /api/v1/ml/train</c>): an asset model for one asset kind from its
/// stored readings and the failures completed maintenance confirmed, run in the background and registered in staging;
/// its progress at <c>/api/v1/ml/training-runs/{id}</c>. Starting needs <c>ml:train</c>; following needs <c>ml:predict</c>.
/// </summary>
internal static class TrainingApi
{
    /// <summary>How far back a run reads when the request does not say.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(180);

    public static IEndpointRouteBuilder MapTrainingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Models", "/ml", scope: Scopes.MlPredict);
        group.MapPost("/train", StartAsync).WithName("TrainAssetModel").RequireAuthorization(Scopes.MlTrain)
            .WithSummary("Trains an asset model for one asset kind on the fleet's stored readings and confirmed failures; 202 with the run");
        group.MapGet("/training-runs", async (HttpContext c, AssetTrainingRuns runs) =>
                TypedResults.Ok((await runs.ListAsync(c.User.TenantIdOf(), c.RequestAborted)).Select(TrainingRunResponse.Of)))
            .WithName("ListTrainingRuns").WithSummary($"The tenant's newest training runs (at most {AssetTrainingRuns.Listed}), newest first");
        group.MapGet("/training-runs/{runId:guid}", GetAsync).WithName("GetTrainingRun").WithSummary("One training run: its stage, progress and result");
        group.MapGet("/models/{name}/drift-checks", async (HttpContext c, ModelDriftMonitor monitor, string name) =>
                TypedResults.Ok(await monitor.ChecksAsync(c.User.TenantIdOf(), name, c.RequestAborted)))
            .WithName("ListDriftChecks").WithSummary($"The Learning agent's newest drift checks of the model's production versions (at most {ModelDriftMonitor.Listed}), newest first");
        group.MapPost("/models/{name}/drift-checks", CheckDriftNowAsync).WithName("CheckDriftNow").RequireAuthorization(Scopes.MlTrain)
            .WithSummary("Runs the Learning agent's drift check of the production version now (it may start a challenger)");
        return app;
    }

    private static async Task<Results<Accepted<TrainingRunResponse>, ProblemHttpResult>> StartAsync(
        HttpContext context, AssetTrainingRuns runs, TimeProvider time, TrainRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.AssetKind))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "No asset kind", "'asset_kind' names the kind of asset to train a model for (e.g. pump).");
        }

        var name = request.Name ?? $"asset-{request.AssetKind.Trim().ToLowerInvariant()}";
        if (!ModelRegistry.IsValidName(name))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid model name",
                $"'{name}' is not a model name: 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var (from, to) = QueryWindow.Resolve(request.From, request.To, time.GetUtcNow(), DefaultWindow);
        if (from >= to)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid window", "'from' must be before 'to'.");
        }

        var run = await runs.StartAsync(context.User.TenantIdOf(), request.AssetKind.Trim(), name, from, to, context.User.ActorOf(), request.Challenge);
        return TypedResults.Accepted($"/api/v1/ml/training-runs/{run.RunId}", TrainingRunResponse.Of(run));
    }

    private static async Task<Results<Ok<DriftCheck>, ProblemHttpResult>> CheckDriftNowAsync(HttpContext context, ModelDriftMonitor monitor, string name) =>
        await monitor.CheckAsync(context.User.TenantIdOf(), name, context.RequestAborted) is { } check
            ? TypedResults.Ok(check)
            : Problems.Result(StatusCodes.Status404NotFound, "No production asset model", $"'{name}' has no production version of kind asset-health with an asset kind.");

    private static async Task<Results<Ok<TrainingRunResponse>, ProblemHttpResult>> GetAsync(HttpContext context, AssetTrainingRuns runs, Guid runId) =>
        await runs.FindAsync(context.User.TenantIdOf(), runId, context.RequestAborted) is { } run
            ? TypedResults.Ok(TrainingRunResponse.Of(run))
            : Problems.Result(StatusCodes.Status404NotFound, "Unknown training run", $"There is no training run {runId} for this tenant.");
}

/// <summary>
/// <c>asset_kind</c>: the kind to train for; <c>name</c>: the model (default <c>asset-KIND</c>); <c>from</c>/<c>to</c>:
/// the records read (default the last 180 days); <c>challenge</c>: judge the new version against the production one on
/// the newest lives (held out from its training) and promote it only if it is better.
/// </summary>
public sealed record TrainRequest(string? AssetKind, string? Name, DateTimeOffset? From, DateTimeOffset? To, bool Challenge = false);

public sealed record TrainingRunResponse(
    Guid RunId, string ModelName, string AssetKind, DateTimeOffset From, DateTimeOffset To, string RequestedBy, DateTimeOffset RequestedAt,
    TrainingRunStatus Status, double Progress, DateTimeOffset? FinishedAt, int? Version, string? Error, int? Assets, int? Failures, int? Samples,
    IReadOnlyDictionary<string, double>? Metrics, bool Challenge, Comparison? Judged)
{
    public static TrainingRunResponse Of(TrainingRun r) => new(r.RunId, r.ModelName, r.AssetKind, r.From, r.To, r.RequestedBy, r.RequestedAt,
        r.Status, r.Progress, r.FinishedAt, r.Version, r.Error, r.Assets, r.Failures, r.Samples, r.Metrics, r.Challenge, r.Judged);
}
