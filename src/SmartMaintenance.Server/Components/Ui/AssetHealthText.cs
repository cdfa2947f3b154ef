using Microsoft.Extensions.Localization;

using MudBlazor;

using SmartMaintenance.Agents.Predictions;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>How the pages write an asset's health, risk and remaining life and a case's title, so the fleet, asset and case pages read alike.</summary>
public static class AssetHealthText
{
    /// <summary>The sensors that drive the departure with their shares ("pump-temp 54 %, pump-current 39 %"), or "—".</summary>
    public static string Drivers(AssetHealthReport? health) =>
        health is { Drivers.Count: > 0 } ? string.Join(", ", health.Drivers.Select(d => $"{d.SensorId} {d.Share:P0}")) : "—";

    /// <summary>
    /// 50 is the health model's limit: red once the asset is past it, amber close to it, green comfortably inside.
    /// </summary>
    public const int Limit = 50;

    public static Color HealthColor(int health) => health switch { >= Limit + 10 => Color.Success, >= Limit => Color.Warning, _ => Color.Error };

    /// <summary>
    /// A case as people call it, in their language: "Critical anomaly on Feed pump P-101" (the stored title names the
    /// sensor's id, in English, for the API and webhooks).
    /// </summary>
    public static string CaseTitle(IStringLocalizer texts, Domain.MaintenanceCase @case, IReadOnlyDictionary<string, string>? assetNames) =>
        texts["{0} anomaly on {1}", texts[@case.Severity.ToString()], assetNames?.GetValueOrDefault(@case.AssetId) ?? @case.AssetId];

    /// <summary>A remaining useful life in days from two days up, in hours below, "—" when none was estimated.</summary>
    public static string Rul(IStringLocalizer texts, TimeSpan? rul) => rul switch
    {
        null => "—",
        { TotalDays: >= 2 } r => texts["{0:0} days", r.TotalDays],
        { } r => $"{r.TotalHours:0} h",
    };
}
