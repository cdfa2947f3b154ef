using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Server.Hosting;

namespace SmartMaintenance.Server.Api;

/// <summary>How every area of the REST API is mapped: one group per area under <c>/api/v1</c>, with its tag, the per-key rate limit and, when the whole area needs one, its scope.</summary>
internal static class ApiConventions
{
    public const string Prefix = "/api/v1";

    public static RouteGroupBuilder MapApiArea(this IEndpointRouteBuilder app, string tag, string path = "", string? scope = null)
    {
        var group = app.MapGroup(Prefix + path).WithTags(tag).RequireRateLimiting(HttpPipelineExtensions.PerKeyRateLimit);
        return scope is null ? group : group.RequireAuthorization(scope);
    }
}

/// <summary>
/// The <c>limit</c> of a list endpoint (bound with <c>[AsParameters]</c>): 1 to the endpoint's maximum, 100 when absent.
/// </summary>
public readonly record struct PageLimit([property: FromQuery(Name = "limit")] int? Limit)
{
    public const int DefaultSize = 100;

    /// <summary>The largest page of most lists; raw readings allow more.</summary>
    public const int MaxSize = 1000;

    public int Size => Limit ?? DefaultSize;

    /// <summary>A 400 when the limit is outside [1, <paramref name="max"/>]; null when it is fine or absent.</summary>
    public ProblemHttpResult? Invalid(int max = MaxSize) => Limit is < 1 || Limit > max
        ? Problems.Result(StatusCodes.Status400BadRequest, "Invalid limit", $"limit must be between 1 and {max}.")
        : null;
}
