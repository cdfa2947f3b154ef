using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Agents;
using SmartMaintenance.Agents.Steps;
using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Agent steps that failed after their retries: list them, and replay one once its cause is fixed.</summary>
internal static class DeadLettersApi
{
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Dead letters", "/dead-letters", scope: Scopes.Admin);

        group.MapGet("/", ListAsync).WithName("ListDeadLetters")
            .WithSummary("Open dead letters, newest first (include_replayed=true for all)");
        group.MapPost("/{id:long}/replay", ReplayAsync).WithName("ReplayDeadLetter")
            .WithSummary("Runs the step again with its stored payload; 409 with the error when it fails again");
        return app;
    }

    private static async Task<Results<Ok<IEnumerable<DeadLetterResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IDeadLetterStore store, [FromQuery(Name = "include_replayed")] bool? includeReplayed, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } invalid)
        {
            return invalid;
        }

        var letters = await store.ListAsync(context.User.TenantIdOf(), includeReplayed ?? false, page.Size, context.RequestAborted);
        return TypedResults.Ok(letters.Select(DeadLetterResponse.From));
    }

    private static async Task<Results<Ok<DeadLetterResponse>, ProblemHttpResult>> ReplayAsync(
        HttpContext context, IDeadLetterStore store, AgentStepRunner steps, long id)
    {
        var tenantId = context.User.TenantIdOf();
        if (await store.FindAsync(tenantId, id, context.RequestAborted) is not { } letter)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Unknown dead letter", $"No dead letter {id} in this tenant.");
        }

        if (letter.ReplayedAt is not null)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "Already replayed", $"Dead letter {id} was replayed at {letter.ReplayedAt:u}.");
        }

        if (await steps.ReplayAsync(letter) is { } error)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "Replay failed", $"The step '{letter.Step}' failed again: {error}");
        }

        return TypedResults.Ok(DeadLetterResponse.From((await store.FindAsync(tenantId, id, context.RequestAborted))!));
    }
}

public sealed record DeadLetterResponse(
    long Id, string Step, string CorrelationId, string Error, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? ReplayedAt,
    string? ReplayError)
{
    public static DeadLetterResponse From(DeadLetter d) =>
        new(d.Id, d.Step, d.CorrelationId, d.Error, d.Attempts, d.CreatedAt, d.ReplayedAt, d.ReplayError);
}
