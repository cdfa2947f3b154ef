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
        return app;
    }

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
            : Problems.Result(StatusCodes.Status404NotFound, "Unknown anomaly", $"No anomaly '{anomalyId}' in this tenant.");
}

public sealed record AnomalyResponse(
    Guid AnomalyId, string SensorId, string? AssetId, DateTimeOffset At, DateTimeOffset DetectedAt, DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd, double Value, double Score, AnomalySeverity Severity, IReadOnlyList<string> Detectors,
    AnomalyStatus Status, double? Confidence, string? Reason, string CorrelationId)
{
    public static AnomalyResponse From(Anomaly a) => new(a.AnomalyId, a.SensorId, a.AssetId, a.At, a.DetectedAt, a.WindowStart,
        a.WindowEnd, a.Value, a.Score, a.Severity, a.Detectors, a.Status, a.Confidence, a.Reason, a.CorrelationId);
}
