using System.Globalization;
using System.Text;

namespace SmartMaintenance.Ingestion;

/// <summary>
/// Reads readings from CSV with a header row naming the columns (<c>sensor_id,timestamp,value</c>, optionally
/// <c>unit</c> and <c>quality</c>, in any order; other columns are ignored). A bad row rejects only that item.
/// Fields may be quoted (RFC 4180) but not span lines.
/// </summary>
internal static class CsvReadingParser
{
    private const int MaxColumns = 64;

    public static void Parse(ReadOnlySpan<byte> body, ReadingBatchBuilder builder)
    {
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        var header = ReadLine(ref body);
        while (header.IsEmpty && !body.IsEmpty)
        {
            header = ReadLine(ref body);
        }

        var columns = ReadHeader(header);
        Span<Range> fields = stackalloc Range[MaxColumns];
        Span<char> sensor = stackalloc char[IngestionOptions.MaxSensorIdLength + 1];
        Span<char> timestamp = stackalloc char[64];
        Span<char> value = stackalloc char[64];
        Span<char> unit = stackalloc char[32];
        Span<char> quality = stackalloc char[16];
        var lineNumber = 1;
        while (!body.IsEmpty)
        {
            var line = ReadLine(ref body);
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            var count = Split(line, fields);
            if (count < 0)
            {
                builder.Reject("item", $"line {lineNumber} has an unterminated quoted field");
                continue;
            }

            scoped RawReading item = default;
            item.SensorIdState = Field(line, fields, count, columns.SensorId, sensor, out item.SensorId);
            if (Field(line, fields, count, columns.Timestamp, timestamp, out var timestampText) == FieldState.Present)
            {
                item.TimestampState = TimestampText.TryParse(timestampText, out item.Timestamp, out var hasOffset)
                    ? FieldState.Present
                    : FieldState.Invalid;
                item.TimestampWithoutOffset = !hasOffset;
            }

            if (Field(line, fields, count, columns.Value, value, out var valueText) == FieldState.Present)
            {
                item.ValueState = double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out item.Value)
                    ? FieldState.Present
                    : FieldState.Invalid;
            }

            item.UnitState = Field(line, fields, count, columns.Unit, unit, out item.Unit);
            item.QualityState = Field(line, fields, count, columns.Quality, quality, out item.Quality);
            builder.Add(ref item);
        }
    }

    private readonly record struct Columns(int SensorId, int Timestamp, int Value, int Unit, int Quality);

    private static Columns ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            throw new BatchFormatException("The CSV body is empty; the first line must name the columns (sensor_id,timestamp,value).");
        }

        Span<Range> fields = stackalloc Range[MaxColumns];
        var count = Split(header, fields);
        int sensorId = -1, timestamp = -1, value = -1, unit = -1, quality = -1;
        for (var i = 0; i < Math.Max(count, 0); i++)
        {
            var name = Encoding.UTF8.GetString(Unquote(header[fields[i]])).Trim().ToLowerInvariant();
            switch (name)
            {
                case "sensor_id": sensorId = i; break;
                case "timestamp": timestamp = i; break;
                case "value": value = i; break;
                case "unit": unit = i; break;
                case "quality": quality = i; break;
            }
        }

        if (sensorId < 0 || timestamp < 0 || value < 0)
        {
            throw new BatchFormatException(
                "The CSV header must name the columns sensor_id, timestamp and value (unit and quality are optional).", "line 1");
        }

        return new Columns(sensorId, timestamp, value, unit, quality);
    }

    private static FieldState Field(
        ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, int count, int column, Span<char> buffer, out ReadOnlySpan<char> text)
    {
        text = default;
        if (column < 0 || column >= count)
        {
            return FieldState.Missing;
        }

        var raw = line[fields[column]];
        var quoted = raw.Length >= 2 && raw[0] == '"';
        raw = Unquote(raw);
        if (raw.IsEmpty && !quoted)
        {
            return FieldState.Missing;
        }

        if (raw.Length > buffer.Length * 3)
        {
            // Longer than any valid value: hand validation a full buffer so it reports the length.
            text = buffer;
            return FieldState.Present;
        }

        if (raw.IndexOf("\"\""u8) >= 0)
        {
            var unescaped = Encoding.UTF8.GetString(raw).Replace("\"\"", "\"", StringComparison.Ordinal);
            var length = Math.Min(unescaped.Length, buffer.Length);
            unescaped.AsSpan(0, length).CopyTo(buffer);
            text = buffer[..length];
            return FieldState.Present;
        }

        if (!Encoding.UTF8.TryGetChars(raw, buffer, out var written))
        {
            text = buffer;
            return FieldState.Present;
        }

        text = buffer[..written];
        return FieldState.Present;
    }

    private static ReadOnlySpan<byte> ReadLine(ref ReadOnlySpan<byte> body)
    {
        var end = body.IndexOf((byte)'\n');
        var line = end < 0 ? body : body[..end];
        body = end < 0 ? [] : body[(end + 1)..];
        return line.TrimEnd((byte)'\r');
    }

    /// <summary>Splits a line on commas outside quotes; returns the field count, or -1 for an open quote.</summary>
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i < line.Length)
            {
                var b = line[i];
                if (b == '"')
                {
                    inQuotes = !inQuotes;
                    continue;
                }

                if (b != ',' || inQuotes)
                {
                    continue;
                }
            }

            if (count < fields.Length)
            {
                fields[count++] = new Range(start, i);
            }

            start = i + 1;
        }

        return inQuotes ? -1 : count;
    }

    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> field)
    {
        field = field.Trim((byte)' ');
        return field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;
    }
}
