using System.Buffers;

namespace SmartMaintenance.Server.Api;

/// <summary>A request body read into a pooled buffer, up to a limit.</summary>
internal sealed class RequestBody : IDisposable
{
    private byte[] _buffer;
    private int _length;

    private RequestBody(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Returns null when the body is longer than <paramref name="limit"/>.</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var body = new RequestBody((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 256, limit + 1));
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length)
                {
                    if (body._length > limit)
                    {
                        body.Dispose();
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)body._buffer.Length * 2, limit + 1));
                    body._buffer.AsSpan(0, body._length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(body._buffer);
                    body._buffer = larger;
                }

                var read = await request.Body.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                body._length += read;
            }

            if (body._length > limit)
            {
                body.Dispose();
                return null;
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
