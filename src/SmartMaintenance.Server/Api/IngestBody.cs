using Microsoft.Extensions.Options;

using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// An ingest request's body, read whole into a pooled buffer (up to <see cref="IngestionOptions.MaxBodyBytes"/>) when
/// the endpoint binds its parameters, so that the idempotency filter fingerprints the very bytes the handler parses.
/// The buffer goes back to the pool when the response is done.
/// </summary>
internal sealed class IngestBody : IDisposable
{
    private readonly RequestBody? _content;

    private IngestBody(RequestBody? content, ReadingFormat format, long limit, long? declaredLength)
    {
        _content = content;
        Format = format;
        Limit = limit;
        DeclaredLength = declaredLength;
    }

    /// <summary>The batch format its Content-Type names (routing answers 415 to the media types not accepted).</summary>
    public ReadingFormat Format { get; }

    public long Limit { get; }

    public long? DeclaredLength { get; }

    /// <summary>True when the body is longer than the limit; it was then not kept.</summary>
    public bool TooLarge => _content is null;

    public ReadOnlyMemory<byte> Memory =>
        _content?.Memory ?? throw new InvalidOperationException("A body over the limit was not kept.");

    public static async ValueTask<IngestBody?> BindAsync(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxBodyBytes;
        var declared = context.Request.ContentLength;
        var content = declared > limit ? null : await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted);
        var body = new IngestBody(content, FormatOf(context.Request.ContentType), limit, declared);
        context.Response.RegisterForDispose(body);
        return body;
    }

    public void Dispose() => _content?.Dispose();

    // The endpoints declare the media types they accept; a request without a Content-Type is read as JSON.
    private static ReadingFormat FormatOf(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "application/x-ndjson" => ReadingFormat.NdJson,
            "text/csv" => ReadingFormat.Csv,
            _ => ReadingFormat.JsonArray,
        };
}
