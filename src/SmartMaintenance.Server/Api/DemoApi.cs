using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Server.Api;

/// <summary>The golden-path demo: a real fault through the real pipeline, followed step by step.</summary>
internal static class DemoApi
{
    public static IEndpointRouteBuilder MapDemoApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Demo", "/demo");

        group.MapPost("/golden-path", StartAsync).WithName("StartGoldenPath").RequireAuthorization(Scopes.DataWrite)
            .WithSummary("Injects a fault into a demo asset; with auto_decide the demo also approves and completes the work");
        group.MapGet("/golden-path/status/{correlationId}", StatusAsync).WithName("GoldenPathStatus").RequireAuthorization(Scopes.DataRead)
            .WithSummary("Each step of the run with the time it really happened and the object it made");
        return app;
    }

    private static async Task<Results<Accepted<GoldenPathStarted>, ProblemHttpResult>> StartAsync(
        HttpContext context, GoldenPath goldenPath, GoldenPathRequest? body)
    {
        if (OutsideDemoTenant(context) is { } problem)
        {
            return problem;
        }

        var (correlationId, error) = await goldenPath.StartAsync(body?.AutoDecide ?? false, context.RequestAborted);
        return correlationId is null
            ? Problems.Result(StatusCodes.Status409Conflict, "Golden path not possible", error!)
            : TypedResults.Accepted($"/api/v1/demo/golden-path/status/{correlationId}", new GoldenPathStarted(correlationId));
    }

    private static async Task<Results<Ok<GoldenPathStatus>, ProblemHttpResult>> StatusAsync(
        HttpContext context, GoldenPath goldenPath, string correlationId)
    {
        if (OutsideDemoTenant(context) is { } problem)
        {
            return problem;
        }

        return await goldenPath.StatusAsync(correlationId, context.RequestAborted) is { } status
            ? TypedResults.Ok(status)
            : Problems.Result(StatusCodes.Status404NotFound, "Unknown golden-path run", $"No golden-path run '{correlationId}'.");
    }

    /// <summary>The demo fleet lives in the default tenant; other tenants neither start nor see its runs.</summary>
    private static ProblemHttpResult? OutsideDemoTenant(HttpContext context) => context.User.TenantIdOf() == Domain.Tenant.DefaultId
        ? null
        : Problems.Result(StatusCodes.Status404NotFound, "No demo fleet", "The demo fleet belongs to the default tenant.");
}

public sealed record GoldenPathRequest(bool? AutoDecide);

public sealed record GoldenPathStarted(string CorrelationId);
