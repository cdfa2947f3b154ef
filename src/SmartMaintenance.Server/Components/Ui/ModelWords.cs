using Microsoft.Extensions.Localization;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>
/// A model's kind and its metrics in words of the reader's language. The registry stores them as the trainers name them
/// (<c>rul</c>, <c>cv_rmse</c>); the pages show "remaining useful life" and "RMSE (cross-validated)", with the stored
/// name on hover for those who compare with the API. A name not listed shows as stored.
/// </summary>
public static class ModelWords
{
    public static IReadOnlyDictionary<string, string> Kinds { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["rul"] = "remaining useful life (engines)",
        ["failure"] = "machine failure",
        ["asset-health"] = "fleet risk and remaining life",
    };

    public static IReadOnlyDictionary<string, string> Metrics { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cv_rmse"] = "RMSE (cross-validated)",
        ["cv_rmse_sd"] = "RMSE spread over folds",
        ["cv_rmse_rul_within_cap"] = "RMSE where RUL is under the cap",
        ["cv_degrading_rmse"] = "RMSE while degrading",
        ["cv_nasa_per_cut"] = "NASA score per engine",
        ["cv_f1"] = "F1 (cross-validated)",
        ["cv_f1_sd"] = "F1 spread over folds",
        ["cv_precision"] = "precision",
        ["cv_recall"] = "recall",
        ["cv_pr_auc"] = "PR AUC",
    };

    public static string Kind(IStringLocalizer texts, string kind) => Kinds.TryGetValue(kind, out var key) ? texts[key] : kind;

    public static string Metric(IStringLocalizer texts, string metric) => Metrics.TryGetValue(metric, out var key) ? texts[key] : metric;
}
