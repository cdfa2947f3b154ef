using System.Buffers.Binary;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Ingesting readings and reading them back, raw or as roll-ups.</summary>
internal static class ReadingsApi
{
    public const int MaxPageSize = 10_000;
    private const int MaxSeriesPoints = 10_000;

    public static IEndpointRouteBuilder MapReadingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Readings");

        group.MapPost("/readings", IngestBatchAsync)
            .WithName("IngestReadings")
            .WithSummary("Ingest a batch of readings (JSON array, NDJSON or CSV, by Content-Type)")
            .WithDescription("Valid items are stored even when others are rejected; the report names each rejected item by index, " +
                "field and reason. A JSON array with a syntax error, or a CSV without its header, is rejected whole. " +
                "Send an Idempotency-Key header to make a retried batch return the first response.")
            .Accepts<ReadingInput[]>("application/json", "application/x-ndjson", "text/csv")
            .Produces<IngestReportResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddEndpointFilter<IdempotencyFilter>()
            .RequireAuthorization(Scopes.DataIngest);

        group.MapPost("/data/ingest", IngestOneAsync)
            .WithName("IngestReading")
            .WithSummary("Ingest one reading (the original system's endpoint)")
            .Accepts<ReadingInput>("application/json")
            .Produces<IngestReportResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddEndpointFilter<IdempotencyFilter>()
            .RequireAuthorization(Scopes.DataIngest);

        group.MapGet("/sensors/readings", GetReadingsAsync)
            .WithName("GetReadings")
            .WithSummary("A sensor's raw readings, newest first, with keyset pagination")
            .RequireAuthorization(Scopes.DataRead);

        group.MapGet("/sensors/{sensorId}/series", GetSeriesAsync)
            .WithName("GetSeries")
            .WithSummary("A sensor's per-minute or per-hour roll-ups (count, min, max, mean, variance)")
            .RequireAuthorization(Scopes.DataRead);

        return app;
    }

    private static Task<Results<Ok<IngestReportResponse>, ProblemHttpResult>> IngestBatchAsync(
        HttpContext context, ReadingIngestor ingestor, IngestBody body) =>
        IngestAsync(context, ingestor, body, body.Format, single: false);

    private static Task<Results<Ok<IngestReportResponse>, ProblemHttpResult>> IngestOneAsync(
        HttpContext context, ReadingIngestor ingestor, IngestBody body) =>
        IngestAsync(context, ingestor, body, ReadingFormat.JsonArray, single: true);

    private static async Task<Results<Ok<IngestReportResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context, ReadingIngestor ingestor, IngestBody body, ReadingFormat format, bool single)
    {
        if (body.TooLarge)
        {
            return Problems.Result(StatusCodes.Status413PayloadTooLarge, "Body too large", body.DeclaredLength > body.Limit
                ? $"The body has {body.DeclaredLength} bytes; the limit is {body.Limit}. Split the batch."
                : $"The body exceeds the limit of {body.Limit} bytes. Split the batch.");
        }

        var sender = new IngestSender(context.User.TenantIdOf(), context.User.HasClaim(SmxClaims.AutoRegister, "true"));
        IngestReport report;
        try
        {
            // The single-reading endpoint refuses a second item before anything is stored.
            report = await ingestor.IngestAsync(sender, body.Memory, format, context.RequestAborted, maxItems: single ? 1 : null);
        }
        catch (BatchFormatException ex)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Malformed body",
                ex.Location is null ? ex.Message : $"{ex.Message} (at {ex.Location})");
        }
        catch (BatchTooLargeException ex) when (!single)
        {
            return Problems.Result(StatusCodes.Status413PayloadTooLarge, "Too many readings", ex.Message);
        }
        catch (BatchTooLargeException)
        {
            return OneReadingExpected();
        }

        if (single && report.Received != 1)
        {
            return OneReadingExpected();
        }

        var response = IngestReportResponse.From(report);
        // Nothing valid at all is a problem. A batch whose valid items were all stored before (a retry) is not,
        // except on the single-reading endpoint, where the one reading being a duplicate is the answer.
        var noneValid = report.Accepted == 0 && report.Duplicates == 0 && report.Rejected.Count > 0;
        var singleDuplicate = single && report.Duplicates == 1;
        if (noneValid || singleDuplicate)
        {
            var first = report.Rejected[0];
            return Problems.Result(
                noneValid ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict,
                noneValid ? "No reading was valid" : "Duplicate reading",
                $"{report.Rejected.Count} of {report.Received} readings rejected; first: item {first.Index}, {first.Field} {first.Reason}.",
                new Dictionary<string, object?> { ["report"] = response });
        }

        return TypedResults.Ok(response);
    }

    private static ProblemHttpResult OneReadingExpected() =>
        Problems.Result(StatusCodes.Status400BadRequest, "One reading expected",
            "This endpoint takes one reading object; send batches to POST /api/v1/readings.");

    private static async Task<Results<Ok<ReadingsPage>, ProblemHttpResult>> GetReadingsAsync(
        HttpContext context, SensorDirectory sensors, IReadingStore readings,
        [FromQuery(Name = "sensor_id")] string? sensorId, QueryTimestamp? from, QueryTimestamp? to, [AsParameters] PageLimit page, string? cursor)
    {
        var size = page.Size;
        if (string.IsNullOrEmpty(sensorId))
        {
            return Problems.Result(400, "sensor_id is required", "Name the sensor: ?sensor_id=...");
        }

        if (page.Invalid(MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        long? before = null;
        if (cursor is not null)
        {
            if (DecodeCursor(cursor) is not { } decoded)
            {
                return Problems.Result(400, "Invalid cursor", "Pass the next_cursor value of the previous page unchanged.");
            }

            before = decoded;
        }

        var tenantId = context.User.TenantIdOf();
        // The tenant's sensors are held in memory; reads resolve a name without a query, as ingestion does.
        var sensor = (await sensors.GetAsync(tenantId, context.RequestAborted)).Find(sensorId);
        if (sensor is null)
        {
            return UnknownSensor(sensorId);
        }

        var fromMicros = from is { } f ? UnixMicros.From(f.Value) : long.MinValue;
        var toMicros = to is { } t ? UnixMicros.From(t.Value) : long.MaxValue;
        var rows = await readings.QueryAsync(tenantId, sensor.Key, fromMicros, Math.Min(toMicros, before ?? long.MaxValue), size, context.RequestAborted);
        var found = new ReadingResponse[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            found[i] = new ReadingResponse(rows[i].Timestamp, rows[i].Value, rows[i].Quality);
        }

        var next = rows.Count == size ? EncodeCursor(rows[^1].TimestampMicros) : null;
        return TypedResults.Ok(new ReadingsPage(sensor.SensorId, sensor.Unit, found, next));
    }

    private static async Task<Results<Ok<SeriesResponse>, ProblemHttpResult>> GetSeriesAsync(
        HttpContext context, SensorDirectory sensors, IReadingStore readings, TimeProvider time,
        string sensorId, QueryTimestamp? from, QueryTimestamp? to, string? bucket)
    {
        var (start, end) = QueryWindow.Resolve(from?.Value, to?.Value, time.GetUtcNow(), TimeSpan.FromHours(24));
        if (start >= end)
        {
            return Problems.Result(400, "Invalid range", "from must be before to.");
        }

        RollupResolution resolution;
        switch (bucket ?? "auto")
        {
            case "1m":
                resolution = RollupResolution.Minute;
                break;
            case "1h":
                resolution = RollupResolution.Hour;
                break;
            case "auto":
                resolution = end - start <= TimeSpan.FromDays(2) ? RollupResolution.Minute : RollupResolution.Hour;
                break;
            default:
                return Problems.Result(400, "Invalid bucket", "bucket must be 1m, 1h or auto.");
        }

        var width = resolution == RollupResolution.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
        if ((end - start) / width > MaxSeriesPoints)
        {
            return Problems.Result(400, "Range too long for the bucket",
                $"The range holds more than {MaxSeriesPoints} buckets of {(resolution == RollupResolution.Minute ? "1m" : "1h")}; use a larger bucket or a shorter range.");
        }

        var tenantId = context.User.TenantIdOf();
        var sensor = (await sensors.GetAsync(tenantId, context.RequestAborted)).Find(sensorId);
        if (sensor is null)
        {
            return UnknownSensor(sensorId);
        }

        // A bucket is included when it starts in the range; the first partial bucket is included too.
        var widthMicros = resolution == RollupResolution.Minute ? UnixMicros.PerMinute : UnixMicros.PerHour;
        var startMicros = UnixMicros.From(start);
        var points = await readings.SeriesAsync(tenantId, sensor.Key, resolution,
            startMicros - (((startMicros % widthMicros) + widthMicros) % widthMicros), UnixMicros.From(end), context.RequestAborted);
        var result = new SeriesPoint[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            result[i] = new SeriesPoint(p.BucketStart, p.Count, p.Min, p.Max, p.Mean, p.Variance);
        }

        return TypedResults.Ok(new SeriesResponse(sensor.SensorId, sensor.Unit,
            resolution == RollupResolution.Minute ? "1m" : "1h", start, end, result));
    }

    internal static ProblemHttpResult UnknownSensor(string sensorId) =>
        Problems.Result(404, "Unknown sensor", $"This tenant has no sensor '{sensorId}'.");

    private static string EncodeCursor(long micros)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, micros);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static long? DecodeCursor(string cursor)
    {
        Span<byte> bytes = stackalloc byte[9];
        var padded = cursor.Replace('-', '+').Replace('_', '/') + "=";
        return Convert.TryFromBase64String(padded, bytes, out var written) && written == 8
            ? BinaryPrimitives.ReadInt64BigEndian(bytes)
            : null;
    }
}
