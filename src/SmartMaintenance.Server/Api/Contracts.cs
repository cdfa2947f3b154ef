using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;
using SmartMaintenance.Security;

namespace SmartMaintenance.Server.Api;

// Request and response bodies of the REST API. Names become snake_case on the wire.

/// <summary>One reading as clients send it (documentation of the ingest bodies).</summary>
public sealed record ReadingInput(string SensorId, DateTimeOffset Timestamp, double Value, string? Unit, string? Quality);

public sealed record IngestReportResponse(
    int Received, int Accepted, int Duplicates, int Flagged, IReadOnlyList<string> RegisteredSensors, IReadOnlyList<IngestError> Rejected)
{
    public static IngestReportResponse From(IngestReport report) => new(
        report.Received, report.Accepted, report.Duplicates, report.Flagged, report.RegisteredSensors, report.Rejected);
}

public sealed record ReadingResponse(DateTimeOffset Timestamp, double Value, ReadingQuality Quality);

public sealed record ReadingsPage(string SensorId, string Unit, IReadOnlyList<ReadingResponse> Readings, string? NextCursor);

public sealed record SeriesPoint(DateTimeOffset BucketStart, long Count, double Min, double Max, double Mean, double Variance);

public sealed record SeriesResponse(
    string SensorId, string Unit, string Bucket, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SeriesPoint> Points);

internal static class Ids
{
    /// <summary>Ids of sites, assets and sensors: a letter or digit, then letters, digits and . _ : - (max 128).</summary>
    public const string Pattern = CatalogText.IdPattern;
}

public sealed record SiteRequest(
    [property: RegularExpression(Ids.Pattern)] string? SiteId,
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: StringLength(200)] string? Location);

public sealed record AssetRequest(
    [property: RegularExpression(Ids.Pattern)] string? AssetId,
    [property: Required, RegularExpression(Ids.Pattern)] string SiteId,
    [property: RegularExpression(Ids.Pattern)] string? ParentAssetId,
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: Required, StringLength(64, MinimumLength = 1)] string Kind,
    AssetCriticality? Criticality = null);

public sealed record SensorRequest(
    [property: RegularExpression(Ids.Pattern)] string? SensorId,
    [property: RegularExpression(Ids.Pattern)] string? AssetId,
    [property: Required, StringLength(64, MinimumLength = 1)] string Type,
    [property: Required, StringLength(CatalogText.MaxUnitLength, MinimumLength = 1)] string Unit,
    double? ExpectedMin,
    double? ExpectedMax,
    [property: Required, Range(0, 86_400)] double? SampleIntervalSeconds) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExpectedMin > ExpectedMax)
        {
            yield return new ValidationResult("expected_min must not be above expected_max.", ["expected_min"]);
        }
    }
}

public sealed record SensorResponse(
    string SensorId, string? AssetId, string Type, string Unit, double? ExpectedMin, double? ExpectedMax,
    double SampleIntervalSeconds, bool AutoRegistered, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt)
{
    public static SensorResponse From(Sensor s) => new(
        s.SensorId, s.AssetId, s.Type, s.Unit, s.ExpectedMin, s.ExpectedMax, s.SampleIntervalSeconds, s.AutoRegistered, s.CreatedAt, s.RetiredAt);
}

/// <summary>An asset's health from all its sensors together; <c>health</c> is null while <c>learning</c>.</summary>
public sealed record AssetHealthResponse(
    string AssetId, DateTimeOffset At, int? Health, bool Abnormal, bool Learning, int RowsLearned, int RowsToLearn,
    IReadOnlyList<SensorShareResponse> Drivers)
{
    public static AssetHealthResponse From(string assetId, Agents.Predictions.AssetHealthReport r) => new(
        assetId, r.At, r.Health, r.Abnormal, r.Learning, r.RowsLearned, r.RowsToLearn, [.. r.Drivers.Select(d => new SensorShareResponse(d.SensorId, d.Share))]);
}

public sealed record SensorShareResponse(string SensorId, double Share);

/// <summary>An asset's health over a window: a point per judged minute, with the sensors that drove the newest of a run.</summary>
public sealed record AssetHealthHistoryResponse(string AssetId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<AssetHealthPointResponse> Points);

public sealed record AssetHealthPointResponse(DateTimeOffset At, int Health, bool Abnormal, IReadOnlyList<string> Drivers);

public sealed record TenantRequest(
    [property: Required, RegularExpression("^[a-z0-9][a-z0-9-]{1,62}$")] string Slug,
    [property: Required, StringLength(200, MinimumLength = 1)] string Name);

public sealed record ApiKeyRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    Role Role,
    IReadOnlyList<string>? Scopes,
    long? TenantId,
    bool AutoRegisterSensors,
    [property: Range(1, 10_000_000)] int? RateLimitPerSecond);

public sealed record ApiKeyResponse(
    long Id, long TenantId, string Name, string Hint, Role Role, IReadOnlyList<string> Scopes, bool AutoRegisterSensors,
    int? RateLimitPerSecond, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(
        k.Id, k.TenantId, k.Name, k.Hint, k.Role, k.Scopes, k.AutoRegisterSensors, k.RateLimitPerSecond, k.CreatedAt, k.RevokedAt);
}

/// <summary>A new key: the only response that ever carries its secret.</summary>
public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);

[JsonSerializable(typeof(IngestReportResponse))]
[JsonSerializable(typeof(AssetHealthResponse))]
[JsonSerializable(typeof(IEnumerable<AnomalyResponse>))]
[JsonSerializable(typeof(AnomalyResponse))]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(AuditVerificationResponse))]
[JsonSerializable(typeof(ReadingsPage))]
[JsonSerializable(typeof(SeriesResponse))]
[JsonSerializable(typeof(ReadingInput[]))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(IngestError[]))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
