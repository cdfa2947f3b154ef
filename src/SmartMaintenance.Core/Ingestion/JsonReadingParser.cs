using System.Text;
using System.Text.Json;

namespace SmartMaintenance.Ingestion;

/// <summary>
/// Reads readings from a JSON array or from NDJSON (one object per line) straight off the UTF-8 bytes.
/// A JSON array with a syntax error is rejected whole; in NDJSON a broken line only rejects that item.
/// </summary>
internal static class JsonReadingParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    public static void ParseArray(ReadOnlySpan<byte> body, ReadingBatchBuilder builder)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                throw new BatchFormatException("The body is empty; send a JSON array of readings.");
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // A lone object is a batch of one, as the original single-reading clients send.
                ParseItem(ref reader, builder);
                ExpectEnd(ref reader);
                return;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new BatchFormatException("The body must be a JSON array of reading objects.", Where(reader));
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                ParseItem(ref reader, builder);
            }

            ExpectEnd(ref reader);
        }
        catch (JsonException ex)
        {
            throw new BatchFormatException($"The body is not valid JSON: {FirstSentence(ex.Message)}", Where(ex));
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
        {
            throw new BatchFormatException("The body is not valid UTF-8: a string holds bytes UTF-8 does not allow.", $"near byte {reader.BytesConsumed}");
        }
    }

    public static void ParseLines(ReadOnlySpan<byte> body, ReadingBatchBuilder builder)
    {
        var lineNumber = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? [] : body[(end + 1)..];
            lineNumber++;
            line = line.TrimEnd((byte)'\r');
            if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
            {
                continue;
            }

            var reader = new Utf8JsonReader(line, ReaderOptions);
            try
            {
                reader.Read();
                ParseItem(ref reader, builder);
                ExpectEnd(ref reader);
            }
            catch (JsonException ex)
            {
                builder.Reject("item", $"line {lineNumber} is not valid JSON: {FirstSentence(ex.Message)}");
            }
            catch (BatchFormatException ex)
            {
                builder.Reject("item", $"line {lineNumber}: {ex.Message}");
            }
            catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
            {
                builder.Reject("item", $"line {lineNumber} is not valid UTF-8: a string holds bytes UTF-8 does not allow");
            }
        }
    }

    private static void ParseItem(ref Utf8JsonReader reader, ReadingBatchBuilder builder)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            builder.Reject("item", $"must be an object with sensor_id, timestamp and value, not {Describe(reader.TokenType)}");
            return;
        }

        Span<char> sensorBuffer = stackalloc char[IngestionOptions.MaxSensorIdLength + 1];
        Span<char> unitBuffer = stackalloc char[Domain.CatalogText.MaxUnitLength + 1];
        Span<char> qualityBuffer = stackalloc char[16];
        scoped RawReading item = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("sensor_id"u8))
            {
                item.SensorIdState = ReadString(in reader, sensorBuffer, out item.SensorId);
            }
            else if (name.SequenceEqual("timestamp"u8))
            {
                item.TimestampState = ReadTimestamp(in reader, out item.Timestamp, out item.TimestampWithoutOffset);
            }
            else if (name.SequenceEqual("value"u8))
            {
                item.ValueState = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out item.Value)
                    ? FieldState.Present
                    : FieldState.Invalid;
            }
            else if (name.SequenceEqual("unit"u8))
            {
                item.UnitState = ReadString(in reader, unitBuffer, out item.Unit);
            }
            else if (name.SequenceEqual("quality"u8))
            {
                item.QualityState = ReadString(in reader, qualityBuffer, out item.Quality);
            }

            // Skips a nested value whether it was a wrongly typed field or an unknown member (asset_id, metadata...),
            // which clients may add freely.
            reader.Skip();
        }

        builder.Add(ref item);
    }

    private static FieldState ReadString(in Utf8JsonReader reader, Span<char> buffer, out ReadOnlySpan<char> value)
    {
        value = default;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return FieldState.Missing;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldState.Invalid;
        }

        try
        {
            if (!reader.HasValueSequence && reader.ValueSpan.Length <= buffer.Length)
            {
                value = buffer[..reader.CopyString(buffer)];
                return FieldState.Present;
            }

            // Rare: long or multi-byte text. A value longer than the buffer comes back as the full buffer, which
            // validation reports as too long.
            var text = reader.GetString()!;
            var length = Math.Min(text.Length, buffer.Length);
            text.AsSpan(0, length).CopyTo(buffer);
            value = buffer[..length];
            return FieldState.Present;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is not DecoderFallbackException)
        {
            // An escaped lone surrogate: valid JSON syntax, not text.
            return FieldState.NotText;
        }
    }

    private static FieldState ReadTimestamp(in Utf8JsonReader reader, out DateTimeOffset timestamp, out bool withoutOffset)
    {
        timestamp = default;
        withoutOffset = false;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return FieldState.Missing;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldState.Invalid;
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.TryGetDateTimeOffset(out timestamp))
        {
            withoutOffset = !TimestampText.HasOffset(reader.ValueSpan);
            return FieldState.Present;
        }

        // Escaped text or a form System.Text.Json does not take (e.g. a space instead of 'T'): parse it as text.
        Span<char> text = stackalloc char[64];
        try
        {
            if (reader.ValueSpan.Length <= text.Length &&
                TimestampText.TryParse(text[..reader.CopyString(text)], out timestamp, out var hasOffset))
            {
                withoutOffset = !hasOffset;
                return FieldState.Present;
            }
        }
        catch (InvalidOperationException ex) when (ex.InnerException is not DecoderFallbackException)
        {
            return FieldState.NotText;
        }

        return FieldState.Invalid;
    }

    private static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new BatchFormatException("Unexpected content after the end of the JSON value.", Where(reader));
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Where(Utf8JsonReader reader) => $"byte {reader.TokenStartIndex}";

    private static string? Where(JsonException ex) =>
        ex.LineNumber is { } line ? $"line {line + 1}, byte {ex.BytePositionInLine + 1}" : null;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
