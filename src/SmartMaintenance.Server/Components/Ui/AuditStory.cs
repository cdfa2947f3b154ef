using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

using Microsoft.Extensions.Localization;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>A piece of a story line: text, or a link when <see cref="Href"/> is set.</summary>
public sealed record StorySegment(string Text, string? Href = null);

/// <summary>An audit entry told as a sentence a person reads, in their language, with links to what it names.</summary>
public sealed record StoryLine(DateTimeOffset At, string Type, string Actor, IReadOnlyList<StorySegment> Segments)
{
    public string Text => string.Concat(Segments.Select(s => s.Text));

    /// <summary>The case the entry is about, if it names one.</summary>
    public Guid? CaseId { get; init; }

    /// <summary>The asset the entry is about, if it names one.</summary>
    public string? AssetId { get; init; }
}

/// <summary>
/// Tells audit entries as sentences ("Validation kept the anomaly on pump-temp (92 % confident): …") for the case story and
/// the bell. Each event type has its template in the resource files; its placeholders become the names of assets
/// (linked to their pages), cases (linked), sensors (linked to the explorer at the moment) and the figures that matter.
/// An event type without a template is told as its fields (<see cref="AuditSummary"/>).
/// </summary>
public sealed partial class AuditStory(IStringLocalizer<UiText> texts)
{
    public StoryLine Tell(AuditEntry entry, IReadOnlyDictionary<string, string> assetNames, IReadOnlyDictionary<Guid, string>? caseTitles = null)
    {
        using var json = JsonDocument.Parse(entry.Payload);
        var p = json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement : default;
        var reader = new Fields(p, texts, assetNames, caseTitles ?? new Dictionary<Guid, string>());
        var segments = entry.Type switch
        {
            AgentEventTypes.AnomalyDetected => Compose("Anomaly on {0} of {1}: {2} at {3}, score {4}, severity {5} ({6})",
                reader.Sensor("sensor_id", "at"), reader.Asset("asset_id"), reader.Number("value"), reader.Time("at"), reader.Number("score"),
                reader.Word("severity"), reader.Detectors("detectors")),
            AgentEventTypes.AnomalyValidated => Compose("Validation kept the anomaly on {0} ({1} confident): {2}",
                reader.Sensor("sensor_id"), reader.Percent("confidence"), reader.Text("reason")),
            AgentEventTypes.AnomalyDismissed => Compose("Validation dismissed the anomaly on {0} ({1} confident): {2}",
                reader.Sensor("sensor_id"), reader.Percent("confidence"), reader.Text("reason")),
            AgentEventTypes.DataQualityIssueRaised => Compose("Data-quality problem on {0}: {1} (value {2})",
                reader.Sensor("sensor_id", "at"), reader.Text("issues"), reader.Number("value")),
            AgentEventTypes.MaintenancePredicted => Compose(reader.Bool("is_fallback")
                    ? "{0}: failure risk {1}, remaining life {2}, by the statistical fallback ({3})"
                    : "{0}: failure risk {1}, remaining life {2}, by model {3}",
                reader.Asset("asset_id"), reader.Percent("failure_probability"), reader.Hours("remaining_useful_life_hours"),
                reader.Bool("is_fallback") ? reader.Text("fallback_reason") : reader.Text("model")),
            AgentEventTypes.CaseOpened => Compose("Case opened for {0}: {1}", reader.Asset("asset_id"), reader.Case()),
            AgentEventTypes.EvidenceAttached => Compose("New evidence attached to {0}", reader.Case()),
            AgentEventTypes.HumanDecisionRequired => Compose("{0} waits for a person's decision: {1}", reader.Case(), reader.Text("reason")),
            AgentEventTypes.HumanDecision => Compose("Decision on {0}: {1}", reader.Case(), reader.Text("reason")),
            AgentEventTypes.DecisionEscalated => Compose("The decision on {0} is overdue and was escalated", reader.Case()),
            AgentEventTypes.MaintenanceScheduled => Compose("Work order planned for {0}: priority {1}, due {2}",
                reader.Asset("asset_id"), reader.Number("priority"), reader.Time("due_by")),
            AgentEventTypes.MaintenanceCompleted => Compose("Work order done by {0}: {1}. {2}",
                reader.Text("completed_by"), reader.Word("outcome"), reader.Text("findings")),
            AgentEventTypes.CaseClosed => Compose("{0} closed: {1}", reader.Case(), reader.Text("reason")),
            AgentEventTypes.OutcomeLabelled => Compose("The case's anomalies were labelled {0} for learning ({1})",
                reader.Word("label"), reader.Count("anomaly_ids")),
            AgentEventTypes.ReportGenerated => Compose("Report ({0}) written for {1}", reader.Text("kind"), reader.Case()),
            AgentEventTypes.FaultInjected => Compose("Demo fault injected into {0}: {1} for {2} minutes",
                reader.Asset("asset_id"), reader.Word("kind"), reader.Number("duration_minutes")),
            AgentEventTypes.DeadLettered => Compose("Step {0} failed {1} times and was parked for an operator: {2}",
                reader.Text("step"), reader.Number("attempts"), reader.Text("error")),
            AgentEventTypes.DeadLetterReplayed => Compose(reader.Bool("succeeded") ? "Parked step {0} replayed: it succeeded" : "Parked step {0} replayed: it failed again",
                reader.Text("step")),
            AgentEventTypes.AnomalyReviewed => reader.Text("action").Text switch
            {
                "acknowledged" => Compose("Anomaly on {0} acknowledged", reader.Sensor("sensor_id")),
                "commented" => Compose("Comment on the anomaly on {0}: {1}", reader.Sensor("sensor_id"), reader.Text("comment")),
                _ => reader.IsText("comment")
                    ? Compose("Anomaly on {0} marked {1} for learning: {2}", reader.Sensor("sensor_id"), reader.Word("label"), reader.Text("comment"))
                    : Compose("Anomaly on {0} marked {1} for learning", reader.Sensor("sensor_id"), reader.Word("label")),
            },
            AgentEventTypes.AlarmRuleChanged => reader.Text("action").Text == "removed"
                ? Compose("Alarm rule for {0} removed", reader.RuleTarget())
                : Compose("Alarm rule for {0} set: high {1}, low {2}, hysteresis {3}, delay {4} s, maximum rate {5} a minute",
                    reader.RuleTarget(), reader.Number("high"), reader.Number("low"), reader.Number("hysteresis"), reader.Number("delay_seconds"),
                    reader.Number("max_rate_per_minute")),
            AgentEventTypes.DetectorSensitivityChanged => reader.IsNumber("sensitivity")
                ? Compose("Detector sensitivity of {0} sensors set to {1} (anomalies from score {2})", reader.SensorType("sensor_type"),
                    reader.Number("sensitivity"), reader.Number("firing_level"))
                : Compose("Detector sensitivity of {0} sensors back to the default", reader.SensorType("sensor_type")),
            AgentEventTypes.RetentionPolicyChanged => reader.Text("action").Text == "removed"
                ? Compose("Retention policy removed: everything is kept")
                : Compose("Retention policy set: raw readings kept {0} days, minute roll-ups {1}, hour roll-ups {2}",
                    reader.Number("raw_days"), reader.Number("minute_rollup_days"), reader.Number("hour_rollup_days")),
            AgentEventTypes.RetentionApplied => Compose("Retention removed {0} raw readings ({1} with whole partitions), {2} minute and {3} hour roll-ups",
                reader.Number("raw_readings"), reader.Number("partition_readings"), reader.Number("minute_rollups"), reader.Number("hour_rollups")),
            AgentEventTypes.CatalogChanged => Compose(reader.Text("action").Text switch
            {
                "created" => "{0} {1} created",
                "retired" => "{0} {1} retired",
                "reinstated" => "{0} {1} back in service",
                "deleted" => "{0} {1} deleted",
                _ => "{0} {1} changed: {2}",
            },
                reader.Word("kind"), reader.Text("name"), reader.List("changed")),
            _ => [new StorySegment(AuditSummary.Of(entry.Payload))],
        };

        return new StoryLine(entry.At, entry.Type, entry.Actor, segments)
        {
            CaseId = reader.Guid("case_id"),
            AssetId = reader.Text("asset_id").Text is { Length: > 0 } asset ? asset : null,
        };
    }

    /// <summary>Who acted, as a person reads it: an agent by its role, a user by name, an API key by its name.</summary>
    public string Actor(string actor)
    {
        var parts = actor.Split(':', 3);
        return parts switch
        {
            ["agent", var name] => texts["{0} agent", name],
            ["user", _, var name] => name,
            ["key", _, var name] => texts["API key {0}", name],
            ["demo", "golden-path-operator"] => texts["the demo's operator"],
            ["demo", "golden-path-technician"] => texts["the demo's technician"],
            _ => actor,
        };
    }

    /// <summary>
    /// Whether an entry of a case's correlation belongs to this case's story: one that names a case, anomaly, prediction or
    /// work order names this case's (a later case of the same asset may share the correlation); one that names none
    /// (the fault injected that began it all) belongs to every case of the correlation.
    /// </summary>
    public static bool BelongsTo(AuditEntry entry, MaintenanceCase @case)
    {
        using var json = JsonDocument.Parse(entry.Payload);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var root = json.RootElement;
        Guid? Id(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id) ? id : null;
        if (Id("case_id") is { } caseId)
        {
            return caseId == @case.CaseId;
        }

        if (Id("anomaly_id") is { } anomalyId)
        {
            return @case.AnomalyIds.Contains(anomalyId);
        }

        if (Id("prediction_id") is { } predictionId)
        {
            return predictionId == @case.PredictionId;
        }

        if (root.TryGetProperty("anomaly_ids", out var labelled) && labelled.ValueKind == JsonValueKind.Array)
        {
            return labelled.EnumerateArray().Any(a => a.TryGetGuid(out var id) && @case.AnomalyIds.Contains(id));
        }

        return Id("work_order_id") is not { } workOrderId || workOrderId == @case.WorkOrderId;
    }

    /// <summary>The translated template cut at its placeholders ({0}, {1}…), each replaced by its segment.</summary>
    private List<StorySegment> Compose(string template, params StorySegment[] parts)
    {
        var translated = texts[template].Value;
        var segments = new List<StorySegment>();
        var last = 0;
        foreach (Match m in Placeholder().Matches(translated))
        {
            if (m.Index > last)
            {
                segments.Add(new StorySegment(translated[last..m.Index]));
            }

            var index = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            segments.Add(index < parts.Length ? parts[index] : new StorySegment(m.Value));
            last = m.Index + m.Length;
        }

        if (last < translated.Length)
        {
            segments.Add(new StorySegment(translated[last..]));
        }

        return segments;
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    /// <summary>Reads a payload's fields as story segments; a missing field reads as "—".</summary>
    private readonly struct Fields(
        JsonElement payload, IStringLocalizer texts, IReadOnlyDictionary<string, string> assetNames, IReadOnlyDictionary<Guid, string> caseTitles)
    {
        private static readonly StorySegment Missing = new("—");

        private JsonElement? Get(string name) =>
            payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        public StorySegment Text(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? new(v.GetString()!) : Get(name) is { } other ? new(other.ToString()) : Missing;

        public bool Bool(string name) => Get(name) is { ValueKind: JsonValueKind.True };

        public Guid? Guid(string name) => Get(name) is { ValueKind: JsonValueKind.String } v && v.TryGetGuid(out var id) ? id : null;

        public StorySegment Number(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Number } v ? new(v.GetDouble().ToString("0.###", CultureInfo.CurrentCulture)) : Missing;

        public StorySegment Percent(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Number } v ? new(v.GetDouble().ToString("P0", CultureInfo.CurrentCulture)) : Missing;

        public StorySegment Hours(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Number } v ? new(AssetHealthText.Rul(texts, TimeSpan.FromHours(v.GetDouble()))) : new(texts["not estimated"]);

        public StorySegment Time(string name) =>
            Get(name) is { ValueKind: JsonValueKind.String } v && v.TryGetDateTimeOffset(out var at) ? new(at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture)) : Missing;

        public StorySegment Count(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Array } v ? new(texts["anomalies: {0}", v.GetArrayLength()]) : Missing;

        /// <summary>An enum value written snake_case ("true_alarm"), shown as the enum's words in the person's language.</summary>
        public StorySegment Word(string name) =>
            Get(name) is { ValueKind: JsonValueKind.String } v ? new(texts[Pascal(v.GetString()!)]) : Missing;

        public bool IsNumber(string name) => Get(name) is { ValueKind: JsonValueKind.Number };

        public bool IsText(string name) => Get(name) is { ValueKind: JsonValueKind.String };

        /// <summary>A sensor type as the catalog shows it (the known ones in the reader's language).</summary>
        public StorySegment SensorType(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? new(texts[v.GetString()!]) : Missing;

        public StorySegment Detectors(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Array } v ? new(DetectorWords.Of(texts, v.EnumerateArray().Select(e => e.ToString()))) : Missing;

        /// <summary>What an alarm rule applies to: the sensor (linked) or "every temperature sensor".</summary>
        public StorySegment RuleTarget() =>
            Text("scope").Text == "sensor" ? Sensor("target") : new(texts["every {0} sensor", SensorType("target").Text]);

        public StorySegment List(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Array } v ? new(string.Join(", ", v.EnumerateArray().Select(e => e.ToString()))) : Missing;

        public StorySegment Asset(string name) =>
            Get(name) is { ValueKind: JsonValueKind.String } v && v.GetString() is { } id
                ? new(assetNames.GetValueOrDefault(id, id), Links.Asset(id))
                : Missing;

        public StorySegment Sensor(string name, string? atField = null)
        {
            if (Get(name) is not { ValueKind: JsonValueKind.String } v || v.GetString() is not { } id)
            {
                return Missing;
            }

            return atField is not null && Get(atField) is { ValueKind: JsonValueKind.String } t && t.TryGetDateTimeOffset(out var at)
                ? new(id, Links.Explorer(id, at.AddMinutes(-30), at.AddMinutes(10)))
                : new(id, Links.Explorer(id));
        }

        /// <summary>The case the entry names, by its title when known.</summary>
        public StorySegment Case()
        {
            if (Guid("case_id") is not { } id)
            {
                return Missing;
            }

            // Titled as the pages title it (severity and asset name, in the reader's language) when the entry says enough.
            var title = caseTitles.GetValueOrDefault(id)
                ?? (Get("severity") is { ValueKind: JsonValueKind.String } severity && Get("asset_id") is { ValueKind: JsonValueKind.String } asset
                    ? texts["{0} anomaly on {1}", texts[Pascal(severity.GetString()!)], assetNames.GetValueOrDefault(asset.GetString()!, asset.GetString()!)].Value
                    : null)
                ?? (Get("title") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null);
            return new(title ?? texts["case {0}", id.ToString()[..8]], Links.Case(id));
        }

        private static string Pascal(string snake) =>
            string.Concat(snake.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}
