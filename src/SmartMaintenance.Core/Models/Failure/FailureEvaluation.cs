using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Failure;

/// <summary>Detection figures of one yes/no question at the model's threshold, and its precision–recall AUC.</summary>
public sealed record BinaryFigures(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives, double PrAuc)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static BinaryFigures Of(IReadOnlyList<(double Probability, bool Truth)> scored, double threshold)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (p, truth) in scored)
        {
            switch (p >= threshold, truth)
            {
                case (true, true): tp++; break;
                case (true, false): fp++; break;
                case (false, true): fn++; break;
                default: tn++; break;
            }
        }

        return new BinaryFigures(tp, fp, fn, tn, AveragePrecision(scored));
    }

    /// <summary>Area under the precision–recall curve as average precision: precision at each positive, by falling score.</summary>
    public static double AveragePrecision(IReadOnlyList<(double Probability, bool Truth)> scored)
    {
        var positives = scored.Count(s => s.Truth);
        if (positives == 0)
        {
            return 0;
        }

        double sum = 0;
        var seen = 0;
        var hits = 0;
        foreach (var group in scored.GroupBy(s => s.Probability).OrderByDescending(g => g.Key))
        {
            var groupHits = group.Count(s => s.Truth);
            seen += group.Count();
            hits += groupHits;
            sum += groupHits * ((double)hits / seen);
        }

        return sum / positives;
    }
}

/// <summary>Out-of-fold results of the failure model: every record predicted by a model that never saw it.</summary>
public sealed record FailureCrossValidation(
    BinaryFigures Failure,
    IReadOnlyList<double> FoldF1,
    IReadOnlyList<BinaryFigures> Modes,
    IReadOnlyList<double> ModeRecall,
    IReadOnlyDictionary<(string Truth, string Predicted), int> Confusion);

/// <summary>
/// Stratified k-fold cross-validation of <see cref="FailureModel"/>: failures and non-failures each shuffled and dealt
/// round the folds, so every fold holds the same share of failures.
/// </summary>
public static class FailureEvaluation
{
    /// <summary>The true class of a record in the confusion matrix: its first flagged mode, "none", or "unflagged" for a failure without one.</summary>
    public const string Unflagged = "unflagged";

    public static FailureCrossValidation CrossValidate(IReadOnlyList<MachineRecord> records, int folds, BoostingOptions options, int seed)
    {
        var fold = StratifiedFolds([.. records.Select(r => r.Failure!.Value)], folds, seed);

        var failure = new (double, bool)[records.Count];
        var modes = MachineRecords.ModeNames.Select(_ => new (double, bool)[records.Count]).ToArray();
        var predicted = new string[records.Count];
        var foldF1 = new List<double>();
        for (var k = 0; k < folds; k++)
        {
            var held = Enumerable.Range(0, records.Count).Where(i => fold[i] == k).ToList();
            var model = FailureModel.Train([.. Enumerable.Range(0, records.Count).Where(i => fold[i] != k).Select(i => records[i])], options);
            foreach (var i in held)
            {
                var row = FailureModel.Features(records[i]);
                failure[i] = (model.Probability(row), records[i].Failure!.Value);
                for (var m = 0; m < modes.Length; m++)
                {
                    modes[m][i] = (model.Modes[m].Probability(row), records[i].Modes![m]);
                }

                predicted[i] = model.Predict(records[i]).Mode;
            }

            foldF1.Add(BinaryFigures.Of([.. held.Select(i => failure[i])], FailureModel.Threshold).F1);
        }

        var modeRecall = MachineRecords.ModeNames.Select((_, m) =>
        {
            var withMode = Enumerable.Range(0, records.Count).Where(i => records[i].Modes![m]).ToList();
            return withMode.Count == 0 ? 0 : (double)withMode.Count(i => failure[i].Item1 >= FailureModel.Threshold) / withMode.Count;
        }).ToList();
        var confusion = Enumerable.Range(0, records.Count)
            .GroupBy(i => (Truth: TrueClass(records[i]), Predicted: predicted[i]))
            .ToDictionary(g => g.Key, g => g.Count());
        return new FailureCrossValidation(BinaryFigures.Of(failure, FailureModel.Threshold), foldF1,
            [.. modes.Select(m => BinaryFigures.Of(m, FailureModel.Threshold))], modeRecall, confusion);
    }

    /// <summary>Each row's fold: the positive rows and the negative rows each shuffled and dealt round the folds.</summary>
    public static int[] StratifiedFolds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[labels.Count];
        foreach (var label in new[] { true, false })
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).OrderBy(_ => random.Next()).ToList();
            for (var k = 0; k < members.Count; k++)
            {
                fold[members[k]] = k % folds;
            }
        }

        return fold;
    }

    /// <summary>The validation's figures as a model's manifest records them.</summary>
    public static Dictionary<string, double> Metrics(FailureCrossValidation cv) => new()
    {
        ["cv_f1"] = cv.Failure.F1,
        ["cv_f1_sd"] = FoldSpread.Of(cv.FoldF1).Deviation,
        ["cv_precision"] = cv.Failure.Precision,
        ["cv_recall"] = cv.Failure.Recall,
        ["cv_pr_auc"] = cv.Failure.PrAuc,
    };

    public static string TrueClass(MachineRecord record)
    {
        var first = record.Modes!.ToList().IndexOf(true);
        return first >= 0 ? MachineRecords.ModeNames[first] : record.Failure!.Value ? Unflagged : FailureModel.NoFailure;
    }
}
