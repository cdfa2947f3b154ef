using System.Globalization;

using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Registry;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Predictions from registered models (the original's <c>/api/v1/ml/predict</c> and <c>/explain</c>): the version
/// named (production unless another is asked for), its answer, and with <c>explain</c> each feature's exact SHAP value.
/// </summary>
internal static class MlApi
{
    public const int MaxCycles = 5000;

    public static IEndpointRouteBuilder MapMlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Models", "/ml", scope: Scopes.MlPredict);
        group.MapPost("/predict", (HttpContext c, RegisteredModels m, AssetReader a, PredictRequest r) => PredictAsync(c, m, a, r, r.Explain))
            .WithName("PredictWithModel").WithSummary("A registered model's prediction; explain=true adds SHAP values");
        group.MapPost("/explain", (HttpContext c, RegisteredModels m, AssetReader a, PredictRequest r) => PredictAsync(c, m, a, r, explain: true))
            .WithName("ExplainWithModel").WithSummary("A registered model's prediction with each feature's exact SHAP value and the base value");
        group.MapPost("/check_drift", CheckDriftAsync).WithName("CheckModelDrift")
            .WithSummary("PSI and Kolmogorov–Smirnov per feature of the given engines or machines against the version's training data");
        return app;
    }

    private static async Task<Results<Ok<DriftResponse>, ProblemHttpResult>> CheckDriftAsync(
        HttpContext context, RegisteredModels models, AssetReader assets, DriftRequest request)
    {
        if (ModelNameProblem(request.Model) is { } noModel)
        {
            return noModel;
        }

        if (request.Units is not { Count: > 0 } && request.Machines is not { Count: > 0 })
        {
            // An asset model is compared with its kind's assets as they read over the last day.
            var tenantId = context.User.TenantIdOf();
            var (fleetReport, fleetError) = await models.CheckAssetDriftAsync(tenantId, request.Model, request.Version ?? "production",
                assets.Catalog, assets.Readings, assets.Time.GetUtcNow(), context.RequestAborted);
            return fleetReport is null ? ModelsApi.Problem(fleetError!) : TypedResults.Ok(DriftResponse.From(fleetReport));
        }

        if (request.Units?.Sum(u => u?.Count ?? 0) > MaxCycles)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Too many cycles", $"At most {MaxCycles} cycles in all units together.");
        }

        for (var u = 0; u < (request.Units?.Count ?? 0); u++)
        {
            if (request.Units![u] is not { Count: > 0 } unit)
            {
                return Problems.Result(StatusCodes.Status400BadRequest, "Invalid unit", $"units[{u}] must be an engine's cycles, oldest first.");
            }

            if (CycleProblem(unit, $"units[{u}]") is { } badCycle)
            {
                return badCycle;
            }
        }

        for (var m = 0; m < (request.Machines?.Count ?? 0); m++)
        {
            if (MachineProblem(request.Machines![m], $"machines[{m}]") is { } badMachine)
            {
                return badMachine;
            }
        }

        var batch = new ModelBatch(
            request.Units?.Select((u, i) => new CmapssUnit(i.ToString(CultureInfo.InvariantCulture), [.. u.Select((c, k) => Cycle(c, k))])).ToList(),
            request.Machines?.Select(Machine).ToList());
        try
        {
            var (report, error) = await models.CheckDriftAsync(context.User.TenantIdOf(), request.Model, request.Version ?? "production", batch, context.RequestAborted);
            return report is null ? ModelsApi.Problem(error!) : TypedResults.Ok(DriftResponse.From(report));
        }
        catch (ModelIntegrityException e)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "Model integrity check failed", e.Message);
        }
    }

    private static CmapssCycle Cycle(double[] values, int index) =>
        new(index + 1, values[..CmapssData.SettingCount], values[CmapssData.SettingCount..]);

    private static MachineRecord Machine(MachineInput m) =>
        new(m.Udi ?? 0, m.Type, m.AirTemperatureK, m.ProcessTemperatureK, m.RotationalSpeedRpm, m.TorqueNm, m.ToolWearMin, null, null);

    /// <summary>What an asset model's prediction reads: the tenant's asset, and its sensors' roll-ups up to now.</summary>
    internal sealed record AssetReader(ICatalogStore Catalog, IReadingStore Readings, TimeProvider Time);

    private static async Task<Results<Ok<PredictResponse>, ProblemHttpResult>> PredictAsync(
        HttpContext context, RegisteredModels models, AssetReader assets, PredictRequest request, bool explain)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        IReadOnlyList<SensorWindow>? sensors = null;
        if (request.AssetId is { } assetId)
        {
            var tenantId = context.User.TenantIdOf();
            if (await assets.Catalog.FindAssetAsync(tenantId, assetId, context.RequestAborted) is null)
            {
                return Problems.Result(StatusCodes.Status404NotFound, "Unknown asset", $"There is no asset '{assetId}'.");
            }

            sensors = await AssetWindows.GatherAsync(assets.Catalog, assets.Readings, tenantId, assetId, assets.Time.GetUtcNow(), context.RequestAborted);
        }

        var input = new ModelInput(request.Cycles?.Select(Cycle).ToList(), request.Machine is { } m ? Machine(m) : null, sensors);
        try
        {
            var (answer, error) = await models.PredictAsync(context.User.TenantIdOf(), request.Model, request.Version ?? "production", input, explain,
                context.RequestAborted);
            return answer is null ? ModelsApi.Problem(error!) : TypedResults.Ok(PredictResponse.From(answer));
        }
        catch (ModelIntegrityException e)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "Model integrity check failed", e.Message);
        }
    }

    private static ProblemHttpResult? Validate(PredictRequest request)
    {
        if (ModelNameProblem(request.Model) is { } noModel)
        {
            return noModel;
        }

        if (request.Cycles is { } cycles)
        {
            if (cycles.Count > MaxCycles)
            {
                return Problems.Result(StatusCodes.Status400BadRequest, "Too many cycles", $"At most {MaxCycles} cycles; {cycles.Count} were sent.");
            }

            if (CycleProblem(cycles, "cycles") is { } badCycle)
            {
                return badCycle;
            }
        }

        return request.Machine is { } machine ? MachineProblem(machine, "machine") : null;
    }

    private static ProblemHttpResult? ModelNameProblem(string? model) => string.IsNullOrWhiteSpace(model)
        ? Problems.Result(StatusCodes.Status400BadRequest, "No model", "'model' names the registered model to use.")
        : null;

    private static ProblemHttpResult? CycleProblem(IReadOnlyList<double[]> cycles, string where)
    {
        const int width = CmapssData.SettingCount + CmapssData.SensorCount;
        for (var i = 0; i < cycles.Count; i++)
        {
            if (cycles[i] is not { Length: width } cycle || !cycle.All(double.IsFinite))
            {
                return Problems.Result(StatusCodes.Status400BadRequest, "Invalid cycle",
                    string.Create(CultureInfo.InvariantCulture, $"{where}[{i}] must be {width} finite numbers: 3 operating settings, then 21 sensors."));
            }
        }

        return null;
    }

    private static ProblemHttpResult? MachineProblem(MachineInput? machine, string where)
    {
        if (machine is null)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid machine", $"{where} must be an operating point.");
        }

        if (machine.Type is not ("L" or "M" or "H"))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid machine", $"{where}.type must be L, M or H, not '{machine.Type}'.");
        }

        double[] values = [machine.AirTemperatureK, machine.ProcessTemperatureK, machine.RotationalSpeedRpm, machine.TorqueNm, machine.ToolWearMin];
        return values.All(double.IsFinite)
            ? null
            : Problems.Result(StatusCodes.Status400BadRequest, "Invalid machine", $"{where}'s measurements must be finite numbers.");
    }
}

/// <summary>
/// <c>cycles</c>: an engine's cycles oldest first, each 3 operating settings then 21 sensors (C-MAPSS order), for
/// RUL models; <c>machine</c>: an operating point, for failure models; <c>asset_id</c>: an asset whose sensors' recent
/// readings the server reads, for asset models (RUL in hours). <c>version</c>: a number, latest, staging or production
/// (the default).
/// </summary>
public sealed record PredictRequest(
    string Model, string? Version, IReadOnlyList<double[]>? Cycles, MachineInput? Machine, bool Explain = false, string? AssetId = null);

/// <summary><c>units</c>: engines, each its cycles as for a prediction; <c>machines</c>: operating points.</summary>
public sealed record DriftRequest(string Model, string? Version, IReadOnlyList<IReadOnlyList<double[]>>? Units, IReadOnlyList<MachineInput>? Machines);

public sealed record DriftResponse(string Model, int Version, string Kind, int Rows, int DriftedFeatures, IReadOnlyList<FeatureDriftResult> Features)
{
    public static DriftResponse From(DriftReport r) =>
        new(r.Version.Name, r.Version.Version, r.Version.Kind, r.Rows, r.Features.Count(f => f.Drifted), r.Features);
}

public sealed record MachineInput(
    string Type, double AirTemperatureK, double ProcessTemperatureK, double RotationalSpeedRpm, double TorqueNm, double ToolWearMin, long? Udi = null);

public sealed record PredictResponse(
    string Model, int Version, string Kind, double? RemainingUsefulLife, double? FailureProbability, string? FailureMode, ModelExplanation? Explanation)
{
    public static PredictResponse From(ModelAnswer a) =>
        new(a.Version.Name, a.Version.Version, a.Version.Kind, a.RemainingUsefulLife, a.FailureProbability, a.FailureMode, a.Explanation);
}
