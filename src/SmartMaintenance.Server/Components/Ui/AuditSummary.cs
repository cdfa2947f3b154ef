using System.Globalization;
using System.Text.Json;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>An audit entry's payload in a line a person reads: its plain fields, without windows of readings or ids' noise.</summary>
internal static class AuditSummary
{
    private const int MaxFields = 8;

    public static string Of(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return payload;
            }

            var parts = new List<string>(MaxFields);
            foreach (var field in json.RootElement.EnumerateObject())
            {
                if (parts.Count == MaxFields)
                {
                    break;
                }

                var text = field.Value.ValueKind switch
                {
                    JsonValueKind.String => field.Value.GetString(),
                    JsonValueKind.Number => field.Value.TryGetDouble(out var d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : field.Value.GetRawText(),
                    JsonValueKind.True or JsonValueKind.False => field.Value.GetRawText(),
                    JsonValueKind.Array when field.Value.GetArrayLength() <= 5 && field.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                        string.Join(", ", field.Value.EnumerateArray().Select(e => e.GetString())),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(text))
                {
                    parts.Add($"{field.Name.Replace('_', ' ')}: {text}");
                }
            }

            return string.Join(" · ", parts);
        }
        catch (JsonException)
        {
            return payload;
        }
    }
}
