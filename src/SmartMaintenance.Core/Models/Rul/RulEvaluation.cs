using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Rul;

/// <summary>One fold's result: predictions at random cuts of units the model never saw.</summary>
/// <remarks><c>DegradingRmse</c> is the RMSE over the cuts whose true RUL is within the cap, where wear shows and a
/// prediction is hard (a cut early in a long life is right at the cap almost by default).</remarks>
public sealed record RulFoldResult(int Fold, int Units, int Predictions, double Rmse, double NasaScore, double DegradingRmse, double MeanTrueRul, TimeSpan Training);

/// <summary>
/// The validation protocol for RUL: units (never cycles) split into folds; a model trained on the other folds'
/// units; each held-out unit cut at <see cref="CutsPerUnit"/> random cycles, as the official test files cut theirs
/// before failure, and judged at the cut against min(true RUL, cap). RMSE and NASA's asymmetric score (late
/// predictions cost more than early ones) per fold, so the spread shows, not only the mean.
/// </summary>
public static class RulEvaluation
{
    public const int CutsPerUnit = 5;

    // A cut keeps at least this many cycles (the shortest official test trajectories are about this long) and
    // leaves at least one cycle before failure.
    public const int MinKeptCycles = 20;

    public static IReadOnlyList<RulFoldResult> CrossValidate(IReadOnlyList<CmapssUnit> units, int folds, BoostingOptions options, int seed,
        int cap = RulModel.DefaultCap)
    {
        var random = new Random(seed);
        var order = units.OrderBy(_ => random.Next()).ToList();
        var results = new List<RulFoldResult>();
        for (var fold = 0; fold < folds; fold++)
        {
            var held = order.Where((_, i) => i % folds == fold).ToList();
            var train = order.Where((_, i) => i % folds != fold).ToList();
            var started = System.Diagnostics.Stopwatch.StartNew();
            var model = RulModel.Train(train, options, cap);
            var training = started.Elapsed;
            var errors = new List<(double Predicted, double Truth)>();
            var truths = new List<double>();
            foreach (var unit in held)
            {
                foreach (var kept in Cuts(unit, random))
                {
                    var truth = unit.Cycles[^1].Cycle - unit.Cycles[kept - 1].Cycle;
                    var predicted = model.Predict(unit.Truncate(kept));
                    errors.Add((predicted, Math.Min(truth, cap)));
                    truths.Add(truth);
                }
            }

            results.Add(new RulFoldResult(fold + 1, held.Count, errors.Count, Rmse(errors), NasaScore(errors), Rmse([.. errors.Where((_, i) => truths[i] <= cap)]), truths.Average(), training));
        }

        return results;
    }

    /// <summary>The validation's figures as a model's manifest records them.</summary>
    public static Dictionary<string, double> Metrics(IReadOnlyList<RulFoldResult> folds)
    {
        var (mean, spread) = FoldSpread.Of([.. folds.Select(f => f.Rmse)]);
        return new Dictionary<string, double>
        {
            ["cv_rmse"] = mean,
            ["cv_rmse_sd"] = spread,
            ["cv_rmse_rul_within_cap"] = folds.Average(f => f.DegradingRmse),
            ["cv_nasa_per_cut"] = folds.Sum(f => f.NasaScore) / folds.Sum(f => f.Predictions),
        };
    }

    /// <summary>Cycles kept at each cut, uniform over what the unit's life allows.</summary>
    public static IEnumerable<int> Cuts(CmapssUnit unit, Random random)
    {
        var life = unit.Cycles.Count;
        var low = Math.Min(MinKeptCycles, life - 1);
        for (var i = 0; i < CutsPerUnit; i++)
        {
            yield return random.Next(Math.Max(1, low), life);
        }
    }

    public static double Rmse(IReadOnlyList<(double Predicted, double Truth)> pairs) =>
        Math.Sqrt(pairs.Average(p => Math.Pow(p.Predicted - p.Truth, 2)));

    /// <summary>NASA's score, summed: e^(−d/13) − 1 for an early prediction (d &lt; 0), e^(d/10) − 1 for a late one.</summary>
    public static double NasaScore(IReadOnlyList<(double Predicted, double Truth)> pairs) =>
        pairs.Sum(p => p.Predicted - p.Truth is var d && d < 0 ? Math.Exp(-d / 13) - 1 : Math.Exp(d / 10) - 1);
}
