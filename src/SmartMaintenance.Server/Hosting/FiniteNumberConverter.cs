using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Every number in a request body must be finite: "NaN", "Infinity" and overflowing literals such as 1e309 are refused
/// where they are read, with the field's path, instead of being stored and failing every later answer that writes them.
/// Numbers written as strings are read as the web defaults read them.
/// </summary>
internal sealed class FiniteNumberConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.TokenType == JsonTokenType.String && options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString)
            ? double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new JsonException("The value is not a number.")
            : reader.GetDouble();
        return double.IsFinite(value) ? value : throw new JsonException("The number is not finite: NaN, infinities and numbers beyond ±1.8e308 are refused.");
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
