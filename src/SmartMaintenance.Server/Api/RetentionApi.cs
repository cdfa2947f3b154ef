using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage.Retention;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// The tenant's retention policy: how many days raw readings, minute and hour roll-ups are kept, and whether dropped raw
/// readings are exported first. Read by anyone who reads data; set, removed and run now by the tenant's admins. Without
/// a policy nothing is ever deleted. Every change and every run that removed something lands in the audit trail.
/// </summary>
internal static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Retention", "/retention");

        group.MapGet("/", GetAsync).RequireAuthorization(Scopes.DataRead).WithName("GetRetention")
            .WithSummary("The tenant's retention policy (null: everything is kept) and its last run");
        group.MapPut("/", PutAsync).RequireAuthorization(Scopes.Admin).WithName("SetRetention")
            .WithSummary("Sets the retention policy: raw_days ≥ 1, minute_rollup_days ≥ raw_days, hour_rollup_days ≥ minute_rollup_days (null: forever)")
            .ProducesValidationProblem();
        group.MapDelete("/", DeleteAsync).RequireAuthorization(Scopes.Admin).WithName("DeleteRetention")
            .WithSummary("Removes the retention policy: from now on everything is kept");
        group.MapPost("/run", RunAsync).RequireAuthorization(Scopes.Admin).WithName("RunRetention")
            .WithSummary("Applies the retention policy now and answers what it removed");
        return app;
    }

    private static async Task<Ok<RetentionResponse>> GetAsync(HttpContext context, ReadingRetention retention)
    {
        var policy = await retention.FindAsync(context.User.TenantIdOf(), context.RequestAborted);
        return TypedResults.Ok(new RetentionResponse(policy is null ? null : RetentionPolicyResponse.From(policy), policy?.LastRun));
    }

    private static async Task<Results<Ok<RetentionPolicyResponse>, ValidationProblem>> PutAsync(
        HttpContext context, ReadingRetention retention, TimeProvider time, RetentionPolicyInput body)
    {
        var problems = RetentionPolicy.Problems(body.RawDays, body.MinuteRollupDays, body.HourRollupDays);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems, title: "Invalid retention policy");
        }

        var saved = await retention.SetAsync(new RetentionPolicy(context.User.TenantIdOf(), body.RawDays!.Value, body.MinuteRollupDays,
            body.HourRollupDays, body.ExportDropped ?? false, context.User.ActorOf(), time.GetUtcNow()), context.RequestAborted);
        return TypedResults.Ok(RetentionPolicyResponse.From(saved));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext context, ReadingRetention retention) =>
        await retention.DeleteAsync(context.User.TenantIdOf(), context.User.ActorOf(), context.RequestAborted)
            ? TypedResults.NoContent()
            : NoPolicy();

    private static async Task<Results<Ok<RetentionRun>, ProblemHttpResult>> RunAsync(HttpContext context, ReadingRetention retention) =>
        await retention.RunAsync(context.User.TenantIdOf(), context.User.ActorOf(), context.RequestAborted) is { } run
            ? TypedResults.Ok(run)
            : NoPolicy();

    private static ProblemHttpResult NoPolicy() =>
        Problems.Result(StatusCodes.Status404NotFound, "No retention policy", "The tenant has no retention policy: everything is kept.");
}

/// <summary>A retention policy as the API takes it; days are whole numbers, null roll-up days keep them forever.</summary>
public sealed record RetentionPolicyInput(int? RawDays, int? MinuteRollupDays, int? HourRollupDays, bool? ExportDropped);

/// <summary>A tenant's retention policy, who set it last and when.</summary>
public sealed record RetentionPolicyResponse(
    int RawDays, int? MinuteRollupDays, int? HourRollupDays, bool ExportDropped, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    public static RetentionPolicyResponse From(RetentionPolicy p) =>
        new(p.RawDays, p.MinuteRollupDays, p.HourRollupDays, p.ExportDropped, p.UpdatedBy, p.UpdatedAt);
}

/// <summary>The policy (null: everything is kept) and what its last run removed (null: none yet).</summary>
public sealed record RetentionResponse(RetentionPolicyResponse? Policy, RetentionRun? LastRun);
