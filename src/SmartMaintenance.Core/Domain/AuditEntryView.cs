using System.Text.Json;

namespace SmartMaintenance.Domain;

/// <summary>
/// An audit entry as everyone outside the store sees it — the audit API, the live feed (<c>/hubs/events</c>), webhook
/// bodies, the UI's bell and the golden-path demo: its payload as JSON rather than text, names in snake_case.
/// </summary>
public sealed record AuditEntryView(
    long Sequence, DateTimeOffset At, string Type, string CorrelationId, string Actor, JsonElement Payload, string Hash, string PreviousHash)
{
    /// <summary>How the view is written wherever it leaves the process outside ASP.NET's own JSON settings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static AuditEntryView Of(AuditEntry entry)
    {
        using var payload = JsonDocument.Parse(entry.Payload);
        return new AuditEntryView(entry.Sequence, entry.At, entry.Type, entry.CorrelationId, entry.Actor, payload.RootElement.Clone(), entry.Hash, entry.PreviousHash);
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>A text the payload names (an id such as <c>case_id</c>), or null.</summary>
    public string? Text(string name) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
