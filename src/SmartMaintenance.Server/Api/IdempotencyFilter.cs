using System.Security.Cryptography;
using System.Text;

using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Makes a retried batch safe: the first answer (below 500) to a request carrying an <c>Idempotency-Key</c> is kept
/// with a fingerprint of its body, and the same key with the same body gets that answer again, marked
/// <c>Idempotent-Replayed: true</c>, without ingesting anything; the same key with another body is a 422. Keys are per
/// tenant and kept a day (<see cref="Hosting.IdempotencyPruner"/>). Applies to endpoints bound to an <see cref="IngestBody"/>.
/// </summary>
internal sealed class IdempotencyFilter(IIdempotencyStore store, TimeProvider time) : IEndpointFilter
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[KeyHeader].ToString();
        if (key.Length == 0)
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", $"The key is longer than {MaxKeyLength} characters.");
        }

        var body = context.Arguments.OfType<IngestBody>().Single();
        if (body.TooLarge)
        {
            // The handler refuses it whole; there is no batch to remember.
            return await next(context);
        }

        var tenantId = http.User.TenantIdOf();
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(body.Memory.Span));
        if (await store.FindAsync(tenantId, key, http.RequestAborted) is { } earlier)
        {
            if (earlier.RequestHash != fingerprint)
            {
                return Problems.Result(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                    "This Idempotency-Key was used before with a different body; use a new key for a new batch.");
            }

            http.Response.Headers[ReplayedHeader] = "true";
            return TypedResults.Text(earlier.Body,
                earlier.StatusCode < 300 ? "application/json" : "application/problem+json", Encoding.UTF8, earlier.StatusCode);
        }

        var answer = await next(context);
        return answer is IResult result
            ? new Remembered(result, (status, written) => store.SaveAsync(tenantId, key,
                new IdempotentResponse(fingerprint, status, written), time.GetUtcNow(), CancellationToken.None))
            : answer;
    }

    /// <summary>Writes the handler's answer and keeps the bytes written, unless it is a server error.</summary>
    private sealed class Remembered(IResult answer, Func<int, string, Task> save) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var original = response.Body;
            using var written = new MemoryStream();
            response.Body = written;
            try
            {
                await answer.ExecuteAsync(httpContext);
            }
            finally
            {
                response.Body = original;
            }

            if (response.StatusCode < StatusCodes.Status500InternalServerError)
            {
                await save(response.StatusCode, Encoding.UTF8.GetString(written.GetBuffer(), 0, (int)written.Length));
            }

            written.Position = 0;
            await written.CopyToAsync(original, httpContext.RequestAborted);
        }
    }
}
