using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Anomalies the sensor agents raised in the caller's tenant.</summary>
internal static class AnomaliesApi
{
    public static IEndpointRouteBuilder MapAnomaliesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Anomalies", "/anomalies", scope: Scopes.DataRead);

        group.MapGet("/", ListAsync).WithName("ListAnomalies").WithSummary("Anomalies, newest first, by sensor, asset and time");
        group.MapGet("/{anomalyId:guid}", FindAsync).WithName("GetAnomaly").WithSummary("One anomaly");
        group.MapGet("/{anomalyId:guid}/notes", NotesAsync).WithName("ListAnomalyNotes")
            .WithSummary("People's review of the anomaly, oldest first: acknowledgements, comments, true/false alarm marks");
        group.MapPost("/{anomalyId:guid}/acknowledge", (HttpContext c, AnomalyReviewer r, Guid anomalyId) =>
                ReviewedAsync(r.AcknowledgeAsync(c.User, c.User.TenantIdOf(), anomalyId, c.RequestAborted), anomalyId))
            .RequireAuthorization(Scopes.DecisionsWrite).WithName("AcknowledgeAnomaly")
            .WithSummary("Acknowledges the anomaly (once: a second call answers the first acknowledgement)");
        group.MapPost("/{anomalyId:guid}/comments", (HttpContext c, AnomalyReviewer r, Guid anomalyId, AnomalyCommentInput body) =>
                ReviewedAsync(r.CommentAsync(c.User, c.User.TenantIdOf(), anomalyId, body.Text, c.RequestAborted), anomalyId))
            .RequireAuthorization(Scopes.DecisionsWrite).WithName("CommentOnAnomaly").WithSummary("Adds a comment to the anomaly");
        group.MapPut("/{anomalyId:guid}/label", LabelAsync).RequireAuthorization(Scopes.DecisionsWrite).WithName("LabelAnomaly")
            .WithSummary("Marks the anomaly a true or a false alarm (true_alarm, false_alarm): the learning label, replacing an earlier one");
        return app;
    }

    private static async Task<Results<Ok<IEnumerable<AnomalyNoteResponse>>, ProblemHttpResult>> NotesAsync(
        HttpContext context, IAnomalyStore anomalies, IAnomalyNoteStore notes, Guid anomalyId)
    {
        var tenantId = context.User.TenantIdOf();
        if (await anomalies.FindAsync(tenantId, anomalyId, context.RequestAborted) is null)
        {
            return UnknownAnomaly(anomalyId);
        }

        return TypedResults.Ok((await notes.ListAsync(tenantId, anomalyId, context.RequestAborted)).Select(AnomalyNoteResponse.From));
    }

    private static Task<Results<Ok<AnomalyNoteResponse>, ProblemHttpResult>> LabelAsync(
        HttpContext context, AnomalyReviewer reviewer, Guid anomalyId, AnomalyLabelInput body)
    {
        if (body.Label is not { } label || !Enum.IsDefined(label))
        {
            return Task.FromResult<Results<Ok<AnomalyNoteResponse>, ProblemHttpResult>>(
                Problems.Result(StatusCodes.Status400BadRequest, "Invalid label", "label must be true_alarm or false_alarm."));
        }

        return ReviewedAsync(reviewer.LabelAsync(context.User, context.User.TenantIdOf(), anomalyId, label, body.Comment, context.RequestAborted), anomalyId);
    }

    private static async Task<Results<Ok<AnomalyNoteResponse>, ProblemHttpResult>> ReviewedAsync(Task<ReviewResult> review, Guid anomalyId)
    {
        var result = await review;
        return result.Outcome switch
        {
            ReviewOutcome.Done => TypedResults.Ok(AnomalyNoteResponse.From(result.Note!)),
            ReviewOutcome.UnknownAnomaly => UnknownAnomaly(anomalyId),
            _ => Problems.Result(StatusCodes.Status400BadRequest, "Invalid review", result.Error!),
        };
    }

    private static ProblemHttpResult UnknownAnomaly(Guid anomalyId) =>
        Problems.Result(StatusCodes.Status404NotFound, "Unknown anomaly", $"No anomaly '{anomalyId}' in this tenant.");

    private static async Task<Results<Ok<IEnumerable<AnomalyResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IAnomalyStore anomalies,
        [FromQuery(Name = "sensor_id")] string? sensorId, [FromQuery(Name = "asset_id")] string? assetId,
        QueryTimestamp? since, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } invalid)
        {
            return invalid;
        }

        var found = await anomalies.ListAsync(context.User.TenantIdOf(),
            new AnomalyQuery(sensorId, assetId, since?.Value, page.Size), context.RequestAborted);
        return TypedResults.Ok(found.Select(AnomalyResponse.From));
    }

    private static async Task<Results<Ok<AnomalyResponse>, ProblemHttpResult>> FindAsync(
        HttpContext context, IAnomalyStore anomalies, Guid anomalyId) =>
        await anomalies.FindAsync(context.User.TenantIdOf(), anomalyId, context.RequestAborted) is { } anomaly
            ? TypedResults.Ok(AnomalyResponse.From(anomaly))
            : UnknownAnomaly(anomalyId);
}

public sealed record AnomalyResponse(
    Guid AnomalyId, string SensorId, string? AssetId, DateTimeOffset At, DateTimeOffset DetectedAt, DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd, double Value, double Score, AnomalySeverity Severity, IReadOnlyList<string> Detectors,
    AnomalyStatus Status, double? Confidence, string? Reason, string CorrelationId)
{
    public static AnomalyResponse From(Anomaly a) => new(a.AnomalyId, a.SensorId, a.AssetId, a.At, a.DetectedAt, a.WindowStart,
        a.WindowEnd, a.Value, a.Score, a.Severity, a.Detectors, a.Status, a.Confidence, a.Reason, a.CorrelationId);
}

public sealed record AnomalyCommentInput(string? Text);

public sealed record AnomalyLabelInput(AnomalyOutcome? Label, string? Comment);

/// <summary>One entry of an anomaly's review: acknowledged, comment, marked_true_alarm or marked_false_alarm, by whom and when.</summary>
public sealed record AnomalyNoteResponse(long Id, Guid AnomalyId, AnomalyNoteKind Kind, string Actor, string? Text, DateTimeOffset At)
{
    public static AnomalyNoteResponse From(AnomalyNote n) => new(n.Id, n.AnomalyId, n.Kind, n.Actor, n.Text, n.At);
}
