using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Assets;

/// <summary>An asset model's answer: the probability it fails within the horizon, and its remaining useful life.</summary>
public sealed record AssetAssessment(double FailureProbability, double RulHours);

/// <summary>
/// Failure risk and remaining useful life of one kind of asset from its sensors' <see cref="AssetFeatures"/>: a
/// boosted regression on min(RUL, cap) hours — the piece-wise linear target, since early wear is invisible — and a
/// boosted classifier for "fails within the horizon", trained on samples of run-to-failure histories. A feature the
/// asset cannot give (no sensor of the type, no recent data) is read as its training median (<see cref="Fill"/>).
/// </summary>
public sealed record AssetModel(AssetFeatures Features, TreeEnsemble Rul, CalibratedEnsemble Failure, float[] Fill, int CapHours, int HorizonHours)
    : ICheckedModel
{
    public const string Kind = "asset-health";

    /// <summary>Two weeks: a plan looks that far ahead; beyond it "healthy" is all a model can say.</summary>
    public const int DefaultCapHours = 336;

    /// <summary>Three days: time to order a part and schedule the job.</summary>
    public const int DefaultHorizonHours = 72;

    /// <summary>Samples taken every four hours of a history (hourly in its last two days).</summary>
    public static readonly TimeSpan SampleStep = TimeSpan.FromHours(4);

    /// <summary>The explained output: the failure classifier's margin (log-odds before calibration).</summary>
    public const string ExplainedOutput = "failure_margin";

    public static AssetModel Train(AssetFeatures features, IReadOnlyList<AssetSample> samples, BoostingOptions options,
        int capHours = DefaultCapHours, int horizonHours = DefaultHorizonHours)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("Training needs samples: histories with a week of data and a known outcome.", nameof(samples));
        }

        var names = features.Names();
        var fill = Medians(samples, features.Count);
        var rows = samples.Select(s => Completed(s.Row, fill)).ToList();
        var rul = BoostedTreesTrainer.FitRegression(rows, [.. samples.Select(s => (float)Math.Min(s.RulHours, capHours))], names, options);
        var labels = samples.Select(s => s.RulHours <= horizonHours).ToList();
        var failure = labels.Distinct().Count() < 2
            ? CalibratedEnsemble.Constant(labels[0], names)
            : BoostedTreesTrainer.FitBinary(rows, labels, names, options);
        return new AssetModel(features, rul, failure, fill, capHours, horizonHours);
    }

    /// <summary>The row with each missing feature read as its training median: what the trees see.</summary>
    public float[] Complete(float[] row) => Completed(row, Fill);

    public AssetAssessment Assess(float[] row)
    {
        var complete = Complete(row);
        return new AssetAssessment(Failure.Probability(complete), Math.Clamp(Rul.Predict(complete), 0, CapHours));
    }

    public void Check()
    {
        if (Features?.SensorTypes is not { Count: > 0 } || Rul is null || Failure is null || Fill is null || CapHours <= 0 || HorizonHours <= 0)
        {
            throw new InvalidDataException("The asset model lacks its sensor types, its trees, its medians or a positive cap and horizon.");
        }

        Rul.Check();
        Failure.Check();
        if (Rul.FeatureCount != Features.Count || Failure.Trees.FeatureCount != Features.Count || Fill.Length != Features.Count
            || Fill.Any(f => !float.IsFinite(f)))
        {
            throw new InvalidDataException($"The asset model's trees and medians must read its {Features.Count} features.");
        }
    }

    private static float[] Completed(float[] row, float[] fill)
    {
        if (!row.Any(float.IsNaN))
        {
            return row;
        }

        var complete = (float[])row.Clone();
        for (var f = 0; f < complete.Length; f++)
        {
            if (float.IsNaN(complete[f]))
            {
                complete[f] = fill[f];
            }
        }

        return complete;
    }

    private static float[] Medians(IReadOnlyList<AssetSample> samples, int count)
    {
        var fill = new float[count];
        for (var f = 0; f < count; f++)
        {
            var known = samples.Select(s => s.Row[f]).Where(float.IsFinite).Order().ToList();
            fill[f] = known.Count == 0 ? 0 : known[known.Count / 2];
        }

        return fill;
    }
}
