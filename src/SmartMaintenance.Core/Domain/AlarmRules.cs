using System.Globalization;

namespace SmartMaintenance.Domain;

/// <summary>What an alarm rule applies to: one sensor, or every sensor of a type (a sensor's own rule wins).</summary>
public enum AlarmRuleScope { Sensor, SensorType }

/// <summary>
/// A limit a person sets on a sensor's value, judged by its sensor agent beside the detectors: an alarm when the value
/// stays above <see cref="High"/> or below <see cref="Low"/> for <see cref="Delay"/>, cleared only once it is back
/// inside by <see cref="Hysteresis"/> (so a value hovering on the limit does not chatter), and when it changes faster
/// than <see cref="MaxRatePerMinute"/> (in the sensor's unit per minute, either way).
/// </summary>
public sealed record AlarmRule(
    long TenantId, AlarmRuleScope Scope, string Target, double? High, double? Low, double Hysteresis, TimeSpan Delay,
    double? MaxRatePerMinute, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    /// <summary>The longest delay a rule may have.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    /// <summary>
    /// What is wrong with the rule's figures, by field (the API's names), or nothing: finite numbers, a high limit above
    /// the low one, a hysteresis that is not negative and narrower than the band, a delay of 0 to 24 hours, a positive
    /// rate, and at least one of the limits or the rate.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Problems(double? high, double? low, double hysteresis, TimeSpan delay, double? maxRate)
    {
        var problems = new Dictionary<string, string[]>();
        void Add(string field, string message) => problems[field] = [message];

        if (high is { } h && !double.IsFinite(h))
        {
            Add("high", "high must be a finite number.");
        }

        if (low is { } l && !double.IsFinite(l))
        {
            Add("low", "low must be a finite number.");
        }

        if (high is { } hi && low is { } lo && double.IsFinite(hi) && double.IsFinite(lo) && hi <= lo)
        {
            Add("high", "high must be above low.");
        }

        if (!double.IsFinite(hysteresis) || hysteresis < 0)
        {
            Add("hysteresis", "hysteresis must be 0 or more.");
        }
        else if (high is { } bh && low is { } bl && bh > bl && hysteresis >= bh - bl)
        {
            Add("hysteresis", string.Create(CultureInfo.InvariantCulture, $"hysteresis must be narrower than the band between low and high ({bh - bl:0.####})."));
        }

        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            Add("delay_seconds", "delay_seconds must be from 0 to 86400.");
        }

        if (maxRate is { } r && (!double.IsFinite(r) || r <= 0))
        {
            Add("max_rate_per_minute", "max_rate_per_minute must be a number above 0.");
        }

        if (high is null && low is null && maxRate is null && problems.Count == 0)
        {
            Add("high", "A rule needs a high limit, a low limit or a maximum rate of change.");
        }

        return problems;
    }
}
