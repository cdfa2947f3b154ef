using Microsoft.Extensions.Localization;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>
/// What found an anomaly, in words of the reader's language: the names the sensor agents record (<c>resonance</c>,
/// <c>threshold_high</c>…) mapped to resource texts; a name not listed (a future detector) shows as recorded.
/// </summary>
public static class DetectorWords
{
    /// <summary>Each recorded name and its text (the resource key).</summary>
    public static IReadOnlyDictionary<string, string> Texts { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["resonance"] = "pattern change",
        ["spike"] = "single spike",
        ["expected_range"] = "outside the expected range",
        ["rate_of_change"] = "unusual rate of change",
        ["threshold_high"] = "above the high limit",
        ["threshold_low"] = "below the low limit",
        ["rate_limit"] = "faster than the maximum rate",
        // The ensemble's parts, in anomalies recorded before the resonance detector ran in the agents.
        ["level"] = "level",
        ["daily_profile"] = "daily profile",
        ["weekly_profile"] = "weekly profile",
        ["volatility"] = "volatility",
        ["context"] = "new shape",
    };

    public static string Of(IStringLocalizer texts, string detector) =>
        Texts.TryGetValue(detector, out var key) ? texts[key] : detector;

    public static string Of(IStringLocalizer texts, IEnumerable<string> detectors) => string.Join(", ", detectors.Select(d => Of(texts, d)));
}
