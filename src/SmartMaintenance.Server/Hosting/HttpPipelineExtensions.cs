using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

using SmartMaintenance.Ingestion;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Api;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Hosting;

/// <summary>Cross-cutting HTTP behaviour: errors as problem details, correlation ids, security headers, rate limits.</summary>
internal static class HttpPipelineExtensions
{
    public const string PerKeyRateLimit = "per-key";
    public const string SignInRateLimit = "sign-in";
    public const string RequestIdHeader = "X-Request-ID";

    public static IServiceCollection AddHttpPipeline(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
            {
                validation.Errors = WireNames(validation.Errors);
            }
        });
        // Behind a reverse proxy (loopback ones, and those SMX_TRUSTED_PROXIES lists), the client's scheme and address
        // are the proxy's X-Forwarded-Proto and X-Forwarded-For: an https proxy makes the session cookie Secure.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SmartMaintenanceOptions>>((options, settings) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var network in NetworkList.Parse(settings.Value.TrustedProxies, out _) ?? [])
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<StorageFullExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PerKeyRateLimit, context =>
            {
                var defaultLimit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmartMaintenanceOptions>>().Value.RateLimit;
                var user = context.User;
                var partition = user.Identity?.IsAuthenticated == true
                    ? "key:" + user.KeyIdOf().ToString(CultureInfo.InvariantCulture)
                    : "ip:" + context.Connection.RemoteIpAddress;
                var limit = int.TryParse(user.FindFirst(SmxClaims.RateLimit)?.Value, CultureInfo.InvariantCulture, out var own) ? own : defaultLimit;
                return RateLimitPartition.GetTokenBucketLimiter((partition, limit), key => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = key.limit,
                    TokensPerPeriod = key.limit,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            // Password guessing: a few attempts a minute per client address (ten by default), on top of the password hash's own cost.
            options.AddPolicy(SignInRateLimit, context =>
            {
                var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmartMaintenanceOptions>>().Value
                    .SignInAttemptsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    "ip:" + context.Connection.RemoteIpAddress,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                if (context.HttpContext.Request.Path.StartsWithSegments("/account/signin"))
                {
                    // A person at the sign-in form gets the form back with the reason, not a JSON body.
                    context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
                    context.HttpContext.Response.Headers.Location = "/signin?throttled=1";
                    return;
                }

                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This API key exceeded its request rate; retry after {seconds} s.");
            };
        });
        return services;
    }

    /// <summary>
    /// Takes the caller's <c>X-Request-ID</c> (or makes one), returns it, and puts it on every log line of the request.
    /// </summary>
    public static IApplicationBuilder UseRequestCorrelation(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("SmartMaintenance.Http");
        return app.Use(async (context, next) =>
        {
            var incoming = context.Request.Headers[RequestIdHeader].ToString();
            if (incoming.Length is > 0 and <= 128 && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                context.TraceIdentifier = incoming;
            }

            context.Response.Headers[RequestIdHeader] = context.TraceIdentifier;
            using (logger.BeginScope(new KeyValuePair<string, object>[] { new("CorrelationId", context.TraceIdentifier) }))
            {
                await next(context);
            }
        });
    }

    /// <summary>
    /// Validation names a field as C# does (<c>SampleIntervalSeconds</c>); clients wrote <c>sample_interval_seconds</c>.
    /// Keys and the messages that repeat them are rewritten in the wire's spelling.
    /// </summary>
    internal static Dictionary<string, string[]> WireNames(IDictionary<string, string[]> errors)
    {
        var renamed = new Dictionary<string, string[]>(errors.Count, StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var segments = key.Split('.');
            var wire = string.Join('.', segments.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
            var last = segments[^1];
            var wireLast = JsonNamingPolicy.SnakeCaseLower.ConvertName(last);
            renamed[wire] = [.. messages.Select(m => m.Replace(last, wireLast, StringComparison.Ordinal))];
        }

        return renamed;
    }

    public const string UiContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers.CacheControl = "no-store";
        }
        else if (!context.Request.Path.StartsWithSegments("/scalar"))
        {
            // The UI: its own scripts only (no inline or evaluated code); MudBlazor and Plotly set inline styles; the
            // circuit and live feed connect back to this origin. The API reference (/scalar) inlines its configuration.
            headers.ContentSecurityPolicy = UiContentSecurityPolicy;
        }

        return next(context);
    });
}

/// <summary>Turns request-binding failures (bad JSON body, wrong query type) into a 400 that says what was wrong.</summary>
internal sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? json.Path is { } path && !json.Message.Contains(path, StringComparison.Ordinal) ? $"{bad.Message} {json.Message} Path: {path}." : $"{bad.Message} {json.Message}"
            : bad.Message.Contains(nameof(QueryTimestamp), StringComparison.Ordinal)
                ? $"{bad.Message} Expected {TimestampText.InstantForm}."
                : bad.Message;
        await Problems.WriteAsync(httpContext, bad.StatusCode, "Bad request", detail);
        return true;
    }
}

/// <summary>
/// A write that failed because the disk is full answers 503 with <c>Retry-After</c>: nothing of the request was stored
/// (its transaction rolled back), and the client may send it again once space is back. Readiness reports it too.
/// </summary>
internal sealed class StorageFullExceptionHandler(StorageSpace space, ILogger<StorageFullExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageSpace.IsOutOfSpace(exception))
        {
            return false;
        }

        space.ReportOutOfSpace();
        logger.LogError("Disk full under {DataDirectory}: {Method} {Path} answered 503", space.DataDirectory, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Storage full",
            $"The server's disk is full: nothing of this request was stored. Send it again in {RetryAfterSeconds} s or more.");
        return true;
    }
}
