using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Assets;

/// <summary>
/// One fold's figures on histories the model never saw: RMSE of min(RUL, cap) over every sample, RMSE where the true
/// RUL is below the cap (wear showing), the horizon classifier's detection figures at 0.5, and for scale the RMSE
/// of always answering the training samples' mean RUL.
/// </summary>
public sealed record AssetFoldResult(
    int Fold, int Histories, int Samples, double RmseHours, double DegradingRmseHours, BinaryFigures Failure, double ConstantRmseHours);

/// <summary>
/// The validation protocol for asset models: histories (never samples of one history) split into folds, so a model
/// is judged on assets it did not see, each sample at the moment it was taken — a random point of the asset's life,
/// as a live prediction is.
/// </summary>
public static class AssetEvaluation
{
    /// <summary><paramref name="samples"/>: each history's samples, one list per history.</summary>
    public static IReadOnlyList<AssetFoldResult> CrossValidate(
        AssetFeatures features, IReadOnlyList<IReadOnlyList<AssetSample>> samples, int folds, BoostingOptions options, int seed,
        CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, samples.Count).OrderBy(_ => random.Next()).ToList();
        var results = new List<AssetFoldResult>();
        for (var fold = 0; fold < folds; fold++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var held = order.Where((_, i) => i % folds == fold).ToList();
            var training = order.Where((_, i) => i % folds != fold).SelectMany(h => samples[h]).ToList();
            var model = AssetModel.Train(features, training, options);
            results.Add(Judge(model, fold + 1, held.Count, [.. held.SelectMany(h => samples[h])], training.Average(s => s.RulHours)));
        }

        return results;
    }

    /// <summary>A trained model's figures on the samples of histories it did not see.</summary>
    public static AssetFoldResult Judge(AssetModel model, int fold, int histories, IReadOnlyList<AssetSample> samples, double trainingMeanRul)
    {
        var judged = samples.Select(s => (Sample: s, Answer: model.Assess(s.Row))).ToList();
        static double Rmse(IEnumerable<(double Predicted, double Truth)> pairs)
        {
            var list = pairs.ToList();
            return list.Count == 0 ? double.NaN : Math.Sqrt(list.Average(p => (p.Predicted - p.Truth) * (p.Predicted - p.Truth)));
        }

        return new AssetFoldResult(fold, histories, judged.Count,
            Rmse(judged.Select(j => (j.Answer.RulHours, j.Sample.RulHours))),
            Rmse(judged.Where(j => j.Sample.RulHours < model.CapHours).Select(j => (j.Answer.RulHours, j.Sample.RulHours))),
            BinaryFigures.Of([.. judged.Select(j => (j.Answer.FailureProbability, j.Sample.RulHours <= model.HorizonHours))], 0.5),
            Rmse(judged.Select(j => (trainingMeanRul, j.Sample.RulHours))));
    }

    /// <summary>
    /// The validation's figures as a model's manifest records them. A figure a fold cannot give (no sample below the
    /// cap, no failure within the horizon: a small fleet's folds) is left out of its mean, and out of the manifest when
    /// no fold gives it — a manifest holds numbers, never NaN.
    /// </summary>
    public static Dictionary<string, double> Metrics(IReadOnlyList<AssetFoldResult> folds)
    {
        var metrics = new Dictionary<string, double>();
        void Add(string name, Func<AssetFoldResult, double> figure, string? spreadName = null)
        {
            var values = folds.Select(figure).Where(double.IsFinite).ToList();
            if (values.Count == 0)
            {
                return;
            }

            var (mean, spread) = FoldSpread.Of(values);
            metrics[name] = mean;
            if (spreadName is not null)
            {
                metrics[spreadName] = spread;
            }
        }

        Add("cv_rmse", f => f.RmseHours, "cv_rmse_sd");
        Add("cv_degrading_rmse", f => f.DegradingRmseHours);
        Add("cv_f1", f => f.Failure.F1, "cv_f1_sd");
        Add("cv_pr_auc", f => f.Failure.PrAuc);
        return metrics;
    }
}
