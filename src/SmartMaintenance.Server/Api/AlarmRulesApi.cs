using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Alarm rules per sensor (<c>sensor</c>) or sensor type (<c>sensor_type</c>): read by anyone who reads data, set and
/// removed by those who write it (planners, admins). A change reaches the running sensor agents at their next batch
/// and lands in the audit trail.
/// </summary>
internal static class AlarmRulesApi
{
    public static IEndpointRouteBuilder MapAlarmRulesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Alarm rules", "/alarm-rules");

        group.MapGet("/", async (HttpContext c, AlarmRuleEditor editor) =>
            TypedResults.Ok((await editor.ListAsync(c.User.TenantIdOf(), c.RequestAborted)).Select(AlarmRuleResponse.From)))
            .RequireAuthorization(Scopes.DataRead).WithName("ListAlarmRules")
            .WithSummary("The tenant's alarm rules, sensor types first; a sensor's own rule wins over its type's");
        group.MapGet("/{scope}/{target}", GetAsync).RequireAuthorization(Scopes.DataRead).WithName("GetAlarmRule")
            .WithSummary("One alarm rule (scope: sensor or sensor_type)");
        group.MapPut("/{scope}/{target}", PutAsync).RequireAuthorization(Scopes.DataWrite).WithName("SetAlarmRule")
            .WithSummary("Creates or replaces an alarm rule: high and low limits with hysteresis and delay, a maximum rate per minute");
        group.MapDelete("/{scope}/{target}", DeleteAsync).RequireAuthorization(Scopes.DataWrite).WithName("DeleteAlarmRule")
            .WithSummary("Removes an alarm rule");
        return app;
    }

    private static async Task<Results<Ok<AlarmRuleResponse>, ProblemHttpResult>> GetAsync(HttpContext context, AlarmRuleEditor editor, string scope, string target)
    {
        if (AlarmRuleEditor.ScopeOf(scope) is not { } kind)
        {
            return UnknownScope(scope);
        }

        return await editor.FindAsync(context.User.TenantIdOf(), kind, target, context.RequestAborted) is { } rule
            ? TypedResults.Ok(AlarmRuleResponse.From(rule))
            : NoRule(scope, target);
    }

    private static async Task<Results<Ok<AlarmRuleResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        HttpContext context, AlarmRuleEditor editor, string scope, string target, AlarmRuleRequest body)
    {
        if (AlarmRuleEditor.ScopeOf(scope) is not { } kind)
        {
            return UnknownScope(scope);
        }

        var change = await editor.SaveAsync(context.User, context.User.TenantIdOf(), kind, target, body, context.RequestAborted);
        return change.Outcome switch
        {
            AlarmRuleOutcome.Saved => TypedResults.Ok(AlarmRuleResponse.From(change.Rule!)),
            AlarmRuleOutcome.UnknownSensor => ReadingsApi.UnknownSensor(target),
            _ => TypedResults.ValidationProblem(change.Errors),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext context, AlarmRuleEditor editor, string scope, string target)
    {
        if (AlarmRuleEditor.ScopeOf(scope) is not { } kind)
        {
            return UnknownScope(scope);
        }

        return await editor.DeleteAsync(context.User, context.User.TenantIdOf(), kind, target, context.RequestAborted)
            ? TypedResults.NoContent()
            : NoRule(scope, target);
    }

    private static ProblemHttpResult UnknownScope(string scope) => Problems.Result(StatusCodes.Status400BadRequest, "Unknown scope",
        $"'{scope}' is not a scope of alarm rules: use sensor (one sensor) or sensor_type (every sensor of a type).");

    private static ProblemHttpResult NoRule(string scope, string target) =>
        Problems.Result(StatusCodes.Status404NotFound, "No alarm rule", $"There is no alarm rule for {scope} '{target}'.");
}

/// <summary>An alarm rule: what it applies to, its limits, hysteresis, delay and maximum rate, and who set it when.</summary>
public sealed record AlarmRuleResponse(
    string Scope, string Target, double? High, double? Low, double Hysteresis, double DelaySeconds, double? MaxRatePerMinute, string UpdatedBy,
    DateTimeOffset UpdatedAt)
{
    public static AlarmRuleResponse From(AlarmRule r) =>
        new(AlarmRuleEditor.WireName(r.Scope), r.Target, r.High, r.Low, r.Hysteresis, r.Delay.TotalSeconds, r.MaxRatePerMinute, r.UpdatedBy, r.UpdatedAt);
}
