using System.Globalization;

using SmartMaintenance.Detection;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Agents.Validation;

/// <summary>How strict validation is; the defaults suit sensors sampled every second to every minute.</summary>
public sealed record ValidationPolicy
{
    /// <summary>Confidence an anomaly needs to be kept; the band between detection (score 0.5) and this is hysteresis.</summary>
    public double Threshold { get; init; } = 0.6;

    /// <summary>After a validated anomaly, others on the same sensor within this time are duplicates.</summary>
    public TimeSpan CoolDown { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>More validated anomalies than this on one sensor within an hour is an alarm flood.</summary>
    public int MaxPerHour { get; init; } = 4;

    /// <summary>Anomalies on other sensors of the same asset this close in time corroborate each other.</summary>
    public TimeSpan CorroborationWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Anomalies this soon after maintenance on the asset are often its after-effects (run-in, recalibration).</summary>
    public TimeSpan AfterMaintenance { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How far back earlier anomalies of the sensor count as similar past events.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromDays(7);
}

/// <summary>Validation's verdict: keep or dismiss, how confident, the reasons in words, and whether anything corroborated it.</summary>
public readonly record struct ValidationVerdict(bool Valid, double Confidence, string Reason, bool Corroborated = false);

/// <summary>
/// Judges a detected anomaly against its context: the data's quality at that moment, the sensor's earlier anomalies
/// (duplicates, floods, recurrences), other sensors of the same asset (corroboration) and maintenance just done on
/// the asset.
/// </summary>
public static class AnomalyValidator
{
    public static ValidationVerdict Judge(
        Anomaly anomaly, DataQualityIssues issues, IReadOnlyList<Anomaly> history, ValidationPolicy policy,
        IReadOnlyList<WorkOrder>? completedMaintenance = null)
    {
        if ((issues & DataQualityIssues.Stuck) != 0)
        {
            return new(false, 0, "the sensor's value is stuck: a data problem, not a machine problem");
        }

        var earlier = history.Where(h => h.SensorKey == anomaly.SensorKey && h.AnomalyId != anomaly.AnomalyId && h.At <= anomaly.At
            && anomaly.At - h.At <= policy.History && h.Status == AnomalyStatus.Validated).ToList();
        if (earlier.Where(h => anomaly.At - h.At <= policy.CoolDown).MaxBy(h => h.At) is { } recent)
        {
            return new(false, 0, string.Create(CultureInfo.InvariantCulture,
                $"duplicate of anomaly {recent.AnomalyId} at {recent.At:u}, within the {policy.CoolDown.TotalMinutes:0}-minute cool-down"));
        }

        var lastHour = earlier.Count(h => anomaly.At - h.At <= TimeSpan.FromHours(1));
        if (lastHour >= policy.MaxPerHour)
        {
            return new(false, 0, $"alarm flood: {lastHour} anomalies of this sensor were validated in the last hour");
        }

        var confidence = anomaly.Score;
        var reasons = new List<string> { string.Create(CultureInfo.InvariantCulture, $"detector score {anomaly.Score:0.00}") };
        var corroborating = history.Where(h => h.SensorKey != anomaly.SensorKey && h.AssetId is not null && h.AssetId == anomaly.AssetId
            && (h.At - anomaly.At).Duration() <= policy.CorroborationWindow && h.Status != AnomalyStatus.Dismissed)
            .Select(h => h.SensorId).Distinct().ToList();
        if (corroborating.Count > 0)
        {
            confidence += 0.15;
            reasons.Add($"corroborated by {string.Join(", ", corroborating)} on the same asset");
        }

        if (earlier.Count > 0)
        {
            confidence += 0.05 * Math.Min(earlier.Count, 3);
            reasons.Add($"recurring: {earlier.Count} validated anomalies of this sensor in the last {policy.History.TotalDays:0} days");
        }

        if ((issues & DataQualityIssues.OutOfRange) != 0)
        {
            confidence += 0.1;
            reasons.Add("outside the sensor's expected range");
        }

        if ((completedMaintenance ?? []).Where(w => w.AssetId == anomaly.AssetId && w.Completion is { } done
                && anomaly.At >= done.CompletedAt && anomaly.At - done.CompletedAt <= policy.AfterMaintenance)
            .MaxBy(w => w.Completion!.CompletedAt) is { } recentWork)
        {
            confidence -= 0.15;
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"within {policy.AfterMaintenance.TotalHours:0.#} h after maintenance (work order {recentWork.WorkOrderId})"));
        }

        if ((issues & DataQualityIssues.Gap) != 0)
        {
            confidence -= 0.2;
            reasons.Add("right after a gap in the data");
        }

        confidence = Math.Clamp(confidence, 0, 1);
        var because = string.Join("; ", reasons);
        return confidence >= policy.Threshold
            ? new(true, confidence, because, corroborating.Count > 0 || earlier.Count > 0)
            : new(false, confidence, string.Create(CultureInfo.InvariantCulture,
                $"confidence {confidence:0.00} is below the threshold {policy.Threshold:0.00} ({because})"));
    }
}
