using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Models.Failure;

/// <summary>A machine's failure probability and, when it is judged to fail, its most likely mode ("none" otherwise).</summary>
public sealed record FailurePrediction(double Probability, string Mode);

/// <summary>
/// Machine failure from an operating point: one boosted classifier for "fails" and one per failure mode, on the
/// measured inputs plus the physical quantities the failure mechanisms act on — the process–air temperature
/// difference (heat dissipation), mechanical power (power failure) and tool wear × torque (overstrain). A machine
/// is judged to fail from a probability of <see cref="Threshold"/>, fixed a priori.
/// </summary>
public sealed record FailureModel(CalibratedEnsemble Failure, IReadOnlyList<CalibratedEnsemble> Modes) : ICheckedModel
{
    public const string Kind = "failure";
    public const double Threshold = 0.5;
    public const string NoFailure = "none";

    /// <summary>
    /// Failure mechanisms are rare (tens of rows) and sit in the inputs' tails, where FastTree's quantile bins are
    /// widest: small leaves and fine bins. Chosen on the stratified folds among leaves of 20, 5, 2 rows and 255 or
    /// 2,047 bins (docs/models.md has the table).
    /// </summary>
    public static readonly BoostingOptions Options = new() { MinRowsPerLeaf = 5, Bins = 2047 };

    public static readonly IReadOnlyList<string> FeatureNames =
    [
        "type", "air_temperature_k", "process_temperature_k", "rotational_speed_rpm", "torque_nm", "tool_wear_min",
        "temperature_difference_k", "power_w", "wear_torque_min_nm",
    ];

    public static float[] Features(MachineRecord r) =>
    [
        r.Type switch { "L" => 0, "M" => 1, _ => 2 },
        (float)r.AirTemperature,
        (float)r.ProcessTemperature,
        (float)r.RotationalSpeed,
        (float)r.Torque,
        (float)r.ToolWear,
        (float)(r.ProcessTemperature - r.AirTemperature),
        (float)(r.Torque * r.RotationalSpeed * 2 * Math.PI / 60),
        (float)(r.ToolWear * r.Torque),
    ];

    public static FailureModel Train(IReadOnlyList<MachineRecord> records, BoostingOptions options)
    {
        if (records.Any(r => r.Failure is null || r.Modes is null))
        {
            throw new ArgumentException("Training needs the outcome columns (Machine failure, TWF, HDF, PWF, OSF, RNF).", nameof(records));
        }

        var rows = records.Select(Features).ToList();
        var failure = BoostedTreesTrainer.FitBinary(rows, [.. records.Select(r => r.Failure!.Value)], FeatureNames, options);
        var modes = MachineRecords.ModeNames.Select((_, m) => BoostedTreesTrainer.FitBinary(rows, [.. records.Select(r => r.Modes![m])], FeatureNames, options));
        return new FailureModel(failure, [.. modes]);
    }

    public void Check()
    {
        if (Failure is null || Modes is null || Modes.Count != MachineRecords.ModeNames.Count || Modes.Any(m => m is null))
        {
            throw new InvalidDataException($"The failure model needs its failure classifier and {MachineRecords.ModeNames.Count} mode classifiers.");
        }

        foreach (var classifier in Modes.Prepend(Failure))
        {
            classifier.Check();
            if (classifier.Trees.FeatureCount != FeatureNames.Count)
            {
                throw new InvalidDataException($"A classifier reads {classifier.Trees.FeatureCount} features; the failure model gives {FeatureNames.Count}.");
            }
        }
    }

    /// <summary>
    /// A machine fails when any of its mechanisms does: the union of the mode classifiers' probabilities, or the
    /// failure classifier's own when that is higher (it also learns failures that flag no mode).
    /// </summary>
    public double Probability(ReadOnlySpan<float> row) => Assess(row).Probability;

    public FailurePrediction Predict(MachineRecord record)
    {
        var (probability, mode, _) = Assess(Features(record));
        return new FailurePrediction(probability, mode);
    }

    /// <summary>
    /// The classifier whose output decided the probability — the failure classifier, or the most probable mode's
    /// when the union of the modes is higher — and the name of that output, for explanations.
    /// </summary>
    public (CalibratedEnsemble Classifier, string Output) Deciding(ReadOnlySpan<float> row)
    {
        var (_, _, best) = Assess(row);
        return best < 0 ? (Failure, "failure_margin") : (Modes[best], $"mode_margin:{MachineRecords.ModeNames[best]}");
    }

    // One pass over the classifiers: the probability, the mode reported, and which mode decided (-1: the failure classifier).
    private (double Probability, string Mode, int DecidingMode) Assess(ReadOnlySpan<float> row)
    {
        var failure = Failure.Probability(row);
        var none = 1.0;
        var best = 0;
        var bestProbability = -1.0;
        for (var m = 0; m < Modes.Count; m++)
        {
            var p = Modes[m].Probability(row);
            none *= 1 - p;
            if (p > bestProbability)
            {
                (best, bestProbability) = (m, p);
            }
        }

        var union = 1 - none;
        var probability = Math.Max(failure, union);
        var mode = probability < Threshold ? NoFailure : MachineRecords.ModeNames[best];
        return (probability, mode, union > failure ? best : -1);
    }
}
