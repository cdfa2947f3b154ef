using System.Globalization;
using System.Text;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// A sensor's raw readings in a time window as CSV, oldest first, streamed in pages so that an export of millions
/// of rows holds neither the rows nor a database read open. The columns are the ones CSV ingestion reads
/// (<c>sensor_id,timestamp,value,unit,quality</c>), so an export can be imported again. Served twice: under the API
/// for keys, and under <c>/download</c> for people signed in to the web UI (the browser sends its session cookie).
/// </summary>
public static class ReadingsExport
{
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapReadingsExport(this IEndpointRouteBuilder app)
    {
        app.MapApiArea("Readings", scope: Scopes.DataRead).MapGet("/sensors/{sensorId}/readings/export", ExportAsync)
            .WithName("ExportReadings")
            .WithSummary("A sensor's raw readings in [from, to) as CSV, oldest first (default: the last 24 hours); tenant_id for platform admins")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/download/sensors/{sensorId}/readings.csv", ExportAsync)
            .ExcludeFromDescription()
            .RequireAuthorization(Scopes.DataRead);

        return app;
    }

    private static async Task<IResult> ExportAsync(
        HttpContext context, SensorDirectory sensors, IReadingStore readings, TimeProvider time,
        string sensorId, QueryTimestamp? from, QueryTimestamp? to, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "tenant_id")] long? tenant)
    {
        var (start, end) = QueryWindow.Resolve(from?.Value, to?.Value, time.GetUtcNow(), DefaultWindow);
        if (start >= end)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid range", "from must be before to.");
        }

        // Platform admins may export another tenant's sensor (the UI passes the tenant they are looking at).
        if (!context.User.TryActOnTenant(tenant, out var tenantId))
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "Not allowed", SmxClaims.OtherTenantRefused);
        }

        var sensor = (await sensors.GetAsync(tenantId, context.RequestAborted)).Find(sensorId);
        if (sensor is null)
        {
            return ReadingsApi.UnknownSensor(sensorId);
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition =
            $"attachment; filename=\"{FileNameOf(sensor.SensorId)}_{start.UtcDateTime:yyyyMMdd'T'HHmm}_{end.UtcDateTime:yyyyMMdd'T'HHmm}.csv\"";
        await ReadingsCsvWriter.WriteAsync(
            context.Response.BodyWriter, readings, tenantId, sensor, UnixMicros.From(start), UnixMicros.From(end), context.RequestAborted);
        return Results.Empty;
    }

    private static string FileNameOf(string sensorId)
    {
        var name = new StringBuilder(sensorId.Length);
        foreach (var c in sensorId)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return name.ToString();
    }
}
