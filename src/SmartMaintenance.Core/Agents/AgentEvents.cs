using System.Text.Json;
using System.Text.Json.Serialization;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents;

/// <summary>The names agents give their events in the audit trail; one place, so producers and readers agree.</summary>
public static class AgentEventTypes
{
    public const string AnomalyDetected = "AnomalyDetected";
    public const string DataQualityIssueRaised = "DataQualityIssueRaised";
    public const string AnomalyValidated = "AnomalyValidated";
    public const string AnomalyDismissed = "AnomalyDismissed";
}

/// <summary>The agents that act; each event in the audit trail names its actor.</summary>
public static class AgentNames
{
    public const string DataAcquisition = "agent:DataAcquisition";
    public const string AnomalyDetection = "agent:AnomalyDetection";
    public const string Validation = "agent:Validation";
}

/// <summary>A reading's time and value inside an event's context window.</summary>
public sealed record ContextPoint(DateTimeOffset At, double Value);

/// <summary>A sensor's signal turned abnormal: the reading, how abnormal, which detectors fired, and the window.</summary>
public sealed record AnomalyDetected(
    Guid AnomalyId, string SensorId, string? AssetId, DateTimeOffset At, double Value, double Score, double Z,
    AnomalySeverity Severity, IReadOnlyList<string> Detectors, IReadOnlyList<ContextPoint> Window);

/// <summary>Validation's verdict on an anomaly: kept (validated) or dismissed, with its confidence and why.</summary>
public sealed record AnomalyJudged(Guid AnomalyId, string SensorId, string? AssetId, double Confidence, string Reason);

/// <summary>A data-quality problem began on a sensor (stuck, out of range, a gap in the stream).</summary>
public sealed record DataQualityIssueRaised(string SensorId, string? AssetId, DateTimeOffset At, double Value, string Issues);

/// <summary>How event payloads are written into the audit trail: the API's snake_case, enums as strings.</summary>
public static class AgentJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T payload) => JsonSerializer.Serialize(payload, Options);
}
