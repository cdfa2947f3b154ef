using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Storage;

/// <summary>
/// Writes a sensor's stored readings as UTF-8 CSV, oldest first, in the columns CSV ingestion reads
/// (<c>sensor_id,timestamp,value,unit,quality</c>): pages of <see cref="PageRows"/> rows per database read, formatted
/// straight into the pipe's buffer with no string per row (<c>ExportBenchmarks</c>).
/// </summary>
/// <remarks>
/// Writes to a connection the client has closed complete at once and go nowhere; the server learns of the close only
/// later, on the thread pool. So the writer flushes every <see cref="FlushBytes"/> and stops as soon as a flush says
/// the reader has gone: fifty readers that disconnect together leave no export formatting millions of rows for nobody.
/// </remarks>
public static class ReadingsCsvWriter
{
    public const int PageRows = 10_000;

    private const int FlushBytes = 32 * 1024;

    /// <summary>The first line of every export.</summary>
    public static ReadOnlySpan<byte> Header => "sensor_id,timestamp,value,unit,quality\n"u8;

    /// <summary>
    /// Writes the header and every reading of the sensor in [fromMicros, beforeMicros), oldest first. False when the
    /// reader went away before the end.
    /// </summary>
    public static async Task<bool> WriteAsync(
        PipeWriter writer, IReadingStore readings, long tenantId, Sensor sensor, long fromMicros, long beforeMicros,
        CancellationToken cancellationToken)
    {
        writer.Write(Header);
        var lines = new SensorCsvLines(sensor);
        var unflushed = 0;
        var next = fromMicros;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await readings.QueryOldestFirstAsync(tenantId, sensor.Key, next, beforeMicros, PageRows, cancellationToken);
            foreach (var reading in page)
            {
                unflushed += lines.Write(writer, reading);
                if (unflushed >= FlushBytes)
                {
                    unflushed = 0;
                    if (await writer.FlushAsync(cancellationToken) is { IsCompleted: true } or { IsCanceled: true })
                    {
                        return false;
                    }
                }
            }

            if (page.Count < PageRows)
            {
                break;
            }

            next = page[^1].TimestampMicros + 1;
        }

        var last = await writer.FlushAsync(cancellationToken);
        return !last.IsCompleted && !last.IsCanceled;
    }

    // A text starting like a formula (=, +, -, @, tab, carriage return) is written after an apostrophe, so a spreadsheet
    // that opens the export shows it rather than runs it (OWASP's CSV-injection advice).
    internal static string Field(string text)
    {
        var safe = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
        return safe.AsSpan().IndexOfAny(",\"\r\n") < 0 ? safe : "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

/// <summary>One sensor's export lines: its fixed columns encoded once, each reading formatted straight into the writer's buffer.</summary>
/// <param name="sensor">The sensor whose id and unit every line carries.</param>
public sealed class SensorCsvLines(Sensor sensor)
{
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(ReadingsCsvWriter.Field(sensor.SensorId) + ",");
    private readonly byte[] _suffix = Encoding.UTF8.GetBytes("," + ReadingsCsvWriter.Field(sensor.Unit) + ",");

    /// <summary>Writes the reading's line; the bytes written.</summary>
    /// <param name="writer">Where the line goes.</param>
    /// <param name="reading">The reading.</param>
    public int Write(IBufferWriter<byte> writer, in Reading reading)
    {
        var line = writer.GetSpan(_prefix.Length + _suffix.Length + 96);
        _prefix.CopyTo(line);
        var length = _prefix.Length + Format(reading, line[_prefix.Length..]);
        _suffix.CopyTo(line[length..]);
        length += _suffix.Length;
        var quality = reading.Quality switch { ReadingQuality.Good => "good\n"u8, ReadingQuality.Uncertain => "uncertain\n"u8, _ => "bad\n"u8 };
        quality.CopyTo(line[length..]);
        length += quality.Length;
        writer.Advance(length);
        return length;
    }

    // "2026-11-26T06:00:00.000000Z,21.5": the timestamp to the microsecond, the value round-trippable.
    private static int Format(Reading reading, Span<byte> line)
    {
        reading.Timestamp.UtcDateTime.TryFormat(line, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        line[written++] = (byte)',';
        reading.Value.TryFormat(line[written..], out var value, "R", CultureInfo.InvariantCulture);
        return written + value;
    }
}
