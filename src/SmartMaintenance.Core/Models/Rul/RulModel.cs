using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Rul;

/// <summary>
/// Remaining useful life of a C-MAPSS-style engine in cycles: gradient-boosted trees on <see cref="RulFeatures"/>,
/// trained on every cycle of run-to-failure units against the piece-wise linear target min(RUL, <see cref="Cap"/>)
/// (wear is invisible early in life, so a healthy engine's RUL is only known to be "long").
/// </summary>
public sealed record RulModel(RulFeatures Features, TreeEnsemble Trees, int Cap) : ICheckedModel
{
    public const string Kind = "rul";
    public const int DefaultCap = 125;

    public static RulModel Train(IReadOnlyList<CmapssUnit> units, BoostingOptions options, int cap = DefaultCap)
    {
        var features = RulFeatures.Fit(units);
        var rows = new List<float[]>();
        var labels = new List<float>();
        foreach (var unit in units)
        {
            var last = unit.Cycles[^1].Cycle;
            var unitRows = features.Rows(unit);
            for (var t = 0; t < unitRows.Length; t++)
            {
                rows.Add(unitRows[t]);
                labels.Add(Math.Min(last - unit.Cycles[t].Cycle, cap));
            }
        }

        return new RulModel(features, BoostedTreesTrainer.FitRegression(rows, labels, features.Names(), options), cap);
    }

    /// <summary>RUL at the unit's last cycle, within [0, cap].</summary>
    public double Predict(CmapssUnit unit) => Predict(Features.LastRow(unit));

    /// <summary>RUL from a row of <see cref="Features"/>, within [0, cap].</summary>
    public double Predict(float[] row) => Math.Clamp(Trees.Predict(row), 0, Cap);

    public void Check()
    {
        if (Features?.Regimes is not { } regimes || Features.Sensors is null || Trees is null || Cap <= 0)
        {
            throw new InvalidDataException("The RUL model lacks its features, its trees or a positive cap.");
        }

        regimes.Check();
        Trees.Check();
        if (Features.Sensors.Any(s => s is < 0 or >= CmapssData.SensorCount) || Trees.FeatureCount != Features.Count)
        {
            throw new InvalidDataException("The RUL model's sensors or feature count do not match its trees.");
        }
    }

    /// <summary>The feature rows of every cycle of the units: what drift compares with the training reference.</summary>
    public IReadOnlyList<float[]> Rows(IEnumerable<CmapssUnit> units) => [.. units.SelectMany(Features.Rows)];
}
