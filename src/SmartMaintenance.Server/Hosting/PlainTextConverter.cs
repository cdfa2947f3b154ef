using System.Text.Json;
using System.Text.Json.Serialization;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Every text in a request body is plain text: a control character other than tab and line breaks (a NUL, an
/// escape sequence) or half of a UTF-16 surrogate pair is refused where it is read, with the field's path, so no
/// name, unit or comment stores what breaks exports, logs and terminals later.
/// </summary>
internal sealed class PlainTextConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, found {reader.TokenType}.");
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonException("The text holds half of a UTF-16 surrogate pair (e.g. \\ud800 alone).");
        }

        return CatalogText.HasControlCharacters(text)
            ? throw new JsonException("The text holds a control character; only tab and line breaks are allowed.")
            : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
