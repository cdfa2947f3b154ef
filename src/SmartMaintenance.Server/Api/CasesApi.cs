using System.ComponentModel.DataAnnotations;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Agents.MaintenanceLog;
using SmartMaintenance.Agents.Orchestrator;
using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Maintenance cases and the HumanInterface agent's endpoints: the decision queue, decisions, work orders and their
/// completion, and the assets' predictions.
/// </summary>
internal static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Cases");

        group.MapGet("/cases", ListCasesAsync).WithName("ListCases").RequireAuthorization(Scopes.DataRead)
            .WithSummary("Cases, most recently changed first; filter by state and asset");
        group.MapGet("/cases/{caseId:guid}", GetCaseAsync).WithName("GetCase").RequireAuthorization(Scopes.DataRead)
            .WithSummary("One case with its decisions and work order");
        group.MapPost("/cases/{caseId:guid}/decision", DecideAsync).WithName("DecideCase").RequireAuthorization(Scopes.DecisionsWrite)
            .WithSummary("Approve, reject or defer a case awaiting a decision (defer needs defer_until)");
        group.MapGet("/decisions/pending", PendingAsync).WithName("PendingDecisions").RequireAuthorization(Scopes.DataRead)
            .WithSummary("The decision queue: cases awaiting a decision or deferred, oldest due first");
        group.MapGet("/decisions", ListDecisionsAsync).WithName("ListDecisions").RequireAuthorization(Scopes.DataRead)
            .WithSummary("The decision log, newest first");
        group.MapGet("/work-orders", ListWorkOrdersAsync).WithName("ListWorkOrders")
            .WithSummary("Work orders, newest first; filter by status").RequireAuthorization(Scopes.DataRead);
        group.MapGet("/work-orders/{workOrderId:guid}", GetWorkOrderAsync).WithName("GetWorkOrder")
            .WithSummary("One work order").RequireAuthorization(Scopes.DataRead);
        group.MapPost("/maintenance/{workOrderId:guid}/complete", CompleteAsync).WithName("CompleteMaintenance")
            .RequireAuthorization(Scopes.MaintenanceWrite)
            .WithSummary("Record what was found and done on a work order; completes and closes its case");
        group.MapGet("/predictions", ListPredictionsAsync).WithName("ListPredictions").RequireAuthorization(Scopes.DataRead)
            .WithSummary("Failure probability and remaining useful life per asset, newest first");
        return app;
    }

    private static ProblemHttpResult UnknownCase(Guid caseId) =>
        Problems.Result(StatusCodes.Status404NotFound, "Unknown case", $"No case '{caseId}' in this tenant.");

    private static async Task<Results<Ok<IEnumerable<CaseResponse>>, ProblemHttpResult>> ListCasesAsync(
        HttpContext context, IMaintenanceStore store, CaseState? state, [FromQuery(Name = "asset_id")] string? assetId, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } problem)
        {
            return problem;
        }

        if (state is { } named && !Enum.IsDefined(named))
        {
            // Query binding takes any number as an enum value.
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid state", $"state must be one of {string.Join(", ", Enum.GetNames<CaseState>())}.");
        }

        var cases = await store.ListCasesAsync(context.User.TenantIdOf(), state is { } s ? [s] : null, assetId, page.Size, context.RequestAborted);
        return TypedResults.Ok(cases.Select(CaseResponse.From));
    }

    private static async Task<Results<Ok<CaseDetailResponse>, ProblemHttpResult>> GetCaseAsync(
        HttpContext context, IMaintenanceStore store, Guid caseId)
    {
        var tenantId = context.User.TenantIdOf();
        if (await store.FindCaseAsync(tenantId, caseId, context.RequestAborted) is not { } found)
        {
            return UnknownCase(caseId);
        }

        var decisions = await store.ListDecisionsAsync(tenantId, caseId, PageLimit.MaxSize, context.RequestAborted);
        var workOrder = found.WorkOrderId is { } id ? await store.FindWorkOrderAsync(tenantId, id, context.RequestAborted) : null;
        return TypedResults.Ok(new CaseDetailResponse(CaseResponse.From(found), [.. decisions.Select(DecisionResponse.From)],
            workOrder is null ? null : WorkOrderResponse.From(workOrder)));
    }

    private static async Task<Results<Ok<CaseResponse>, ProblemHttpResult>> DecideAsync(
        HttpContext context, IMaintenanceStore store, IGrainFactory grains, TimeProvider time, Guid caseId, DecisionInput body)
    {
        var request = new DecisionRequest(body.Verdict!.Value, body.Reason.Trim(), context.User.ActorOf(), body.DeferUntil);
        if (request.Check(time.GetUtcNow()) is not DecisionFault.None and var fault)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid decision", DecisionRequest.Describe(fault));
        }

        if (await store.FindCaseAsync(context.User.TenantIdOf(), caseId, context.RequestAborted) is null)
        {
            return UnknownCase(caseId);
        }

        var result = await grains.GetGrain<IMaintenanceCaseAgent>(caseId)
            .DecideAsync(request);
        return result switch
        {
            { Case: { } decided } => TypedResults.Ok(CaseResponse.From(decided)),
            { NotFound: true } => UnknownCase(caseId),
            _ => Problems.Result(StatusCodes.Status409Conflict, "Decision not possible", result.Error!),
        };
    }

    private static async Task<Ok<IEnumerable<CaseResponse>>> PendingAsync(HttpContext context, IMaintenanceStore store)
    {
        var cases = await store.ListCasesAsync(context.User.TenantIdOf(), [CaseState.AwaitingDecision, CaseState.Deferred], null,
            PageLimit.MaxSize, context.RequestAborted);
        return TypedResults.Ok(cases.OrderBy(c => c.DeferredUntil ?? c.DecisionDueAt ?? c.UpdatedAt).Select(CaseResponse.From));
    }

    private static async Task<Results<Ok<IEnumerable<DecisionResponse>>, ProblemHttpResult>> ListDecisionsAsync(
        HttpContext context, IMaintenanceStore store, [FromQuery(Name = "case_id")] Guid? caseId, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } problem)
        {
            return problem;
        }

        var decisions = await store.ListDecisionsAsync(context.User.TenantIdOf(), caseId, page.Size, context.RequestAborted);
        return TypedResults.Ok(decisions.Select(DecisionResponse.From));
    }

    private static async Task<Results<Ok<IEnumerable<WorkOrderResponse>>, ProblemHttpResult>> ListWorkOrdersAsync(
        HttpContext context, IMaintenanceStore store, WorkOrderStatus? status, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } problem)
        {
            return problem;
        }

        var orders = await store.ListWorkOrdersAsync(context.User.TenantIdOf(), status, page.Size, context.RequestAborted);
        return TypedResults.Ok(orders.Select(WorkOrderResponse.From));
    }

    private static async Task<Results<Ok<WorkOrderResponse>, ProblemHttpResult>> GetWorkOrderAsync(
        HttpContext context, IMaintenanceStore store, Guid workOrderId) =>
        await store.FindWorkOrderAsync(context.User.TenantIdOf(), workOrderId, context.RequestAborted) is { } order
            ? TypedResults.Ok(WorkOrderResponse.From(order))
            : Problems.Result(StatusCodes.Status404NotFound, "Unknown work order", $"No work order '{workOrderId}' in this tenant.");

    private static async Task<Results<Ok<WorkOrderResponse>, ProblemHttpResult>> CompleteAsync(
        HttpContext context, IGrainFactory grains, TimeProvider time, Guid workOrderId, CompletionInput body)
    {
        var record = new MaintenanceRecord(body.Outcome!.Value, body.Findings, body.Parts ?? [], body.DurationMinutes, context.User.ActorOf(),
            time.GetUtcNow());
        var result = await grains.GetGrain<IMaintenanceLogAgent>(context.User.TenantIdOf()).CompleteAsync(workOrderId, record);
        return result switch
        {
            { WorkOrder: { } done } => TypedResults.Ok(WorkOrderResponse.From(done)),
            { NotFound: true } => Problems.Result(StatusCodes.Status404NotFound, "Unknown work order", result.Error!),
            _ => Problems.Result(StatusCodes.Status409Conflict, "Completion not possible", result.Error!),
        };
    }

    private static async Task<Results<Ok<IEnumerable<PredictionResponse>>, ProblemHttpResult>> ListPredictionsAsync(
        HttpContext context, IPredictionStore predictions, [FromQuery(Name = "asset_id")] string? assetId, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } problem)
        {
            return problem;
        }

        var found = await predictions.ListAsync(context.User.TenantIdOf(), assetId, page.Size, context.RequestAborted);
        return TypedResults.Ok(found.Select(PredictionResponse.From));
    }
}

// Enums are nullable so that a missing verdict or outcome is a 400, not the enum's first value.
public sealed record DecisionInput(
    [property: Required] DecisionVerdict? Verdict,
    [property: Required, StringLength(DecisionRequest.MaxReasonLength, MinimumLength = DecisionRequest.MinReasonLength)] string Reason,
    DateTimeOffset? DeferUntil);

public sealed record CompletionInput(
    [property: Required] MaintenanceOutcome? Outcome,
    [property: Required, StringLength(4000, MinimumLength = 3)] string Findings,
    IReadOnlyList<string>? Parts,
    [property: Range(0, 100_000)] double DurationMinutes);

public sealed record CaseResponse(
    Guid CaseId, string AssetId, CaseState State, string Title, AnomalySeverity Severity, double FailureProbability,
    double? RemainingUsefulLifeHours, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DecisionDueAt,
    DateTimeOffset? DeferredUntil, int Escalations, Guid? WorkOrderId, Guid? PredictionId, IReadOnlyList<Guid> AnomalyIds,
    string CorrelationId)
{
    public static CaseResponse From(MaintenanceCase c) => new(c.CaseId, c.AssetId, c.State, c.Title, c.Severity, c.FailureProbability,
        c.RemainingUsefulLife?.TotalHours, c.OpenedAt, c.UpdatedAt, c.DecisionDueAt, c.DeferredUntil, c.Escalations, c.WorkOrderId,
        c.PredictionId, c.AnomalyIds, c.CorrelationId);
}

public sealed record DecisionResponse(
    Guid DecisionId, Guid CaseId, DecisionVerdict Verdict, string Reason, string DecidedBy, DateTimeOffset DecidedAt,
    DateTimeOffset? DeferUntil, string CorrelationId)
{
    public static DecisionResponse From(Decision d) =>
        new(d.DecisionId, d.CaseId, d.Verdict, d.Reason, d.DecidedBy, d.DecidedAt, d.DeferUntil, d.CorrelationId);
}

public sealed record WorkOrderResponse(
    Guid WorkOrderId, Guid CaseId, string AssetId, WorkOrderStatus Status, IReadOnlyList<string> RequiredSkills, int Priority,
    DateTimeOffset DueBy, string? AssignedTechnicianId, DateTimeOffset CreatedAt, string CorrelationId, MaintenanceRecord? Completion)
{
    public static WorkOrderResponse From(WorkOrder w) => new(w.WorkOrderId, w.CaseId, w.AssetId, w.Status, w.RequiredSkills, w.Priority,
        w.DueBy, w.AssignedTechnicianId, w.CreatedAt, w.CorrelationId, w.Completion);
}

public sealed record CaseDetailResponse(CaseResponse Case, IReadOnlyList<DecisionResponse> Decisions, WorkOrderResponse? WorkOrder);

public sealed record PredictionResponse(
    Guid PredictionId, string AssetId, DateTimeOffset At, double FailureProbability, double? RemainingUsefulLifeHours,
    string ModelName, string ModelVersion, bool IsFallback, IReadOnlyDictionary<string, double> Explanation, double? ExplanationBase,
    string CorrelationId)
{
    public static PredictionResponse From(Prediction p) => new(p.PredictionId, p.AssetId, p.At, p.FailureProbability,
        p.RemainingUsefulLife?.TotalHours, p.ModelName, p.ModelVersion, p.IsFallback, p.Explanation, p.ExplanationBase, p.CorrelationId);
}
