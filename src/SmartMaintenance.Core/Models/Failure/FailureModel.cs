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
/// <param name="Failure">The classifier for "fails", whatever the mode.</param>
/// <param name="Modes">One classifier per mode of <see cref="MachineRecords.ModeNames"/>.</param>
/// <param name="ModeSkill">
/// Each mode classifier's average precision on inner folds of the training rows (null in models written before
/// it was measured: every mode counts). A mode below <see cref="SkillLevel"/> has no learnable mechanism in the
/// inputs — a random replacement time, a random failure — and is left out of the decision.
/// </param>
public sealed record FailureModel(CalibratedEnsemble Failure, IReadOnlyList<CalibratedEnsemble> Modes, IReadOnlyList<double>? ModeSkill = null) : ICheckedModel
{
    public const string Kind = "failure";
    public const double Threshold = 0.5;
    public const string NoFailure = "none";

    /// <summary>
    /// A mode counts when, on folds it did not train on, its flagged rows are right at least half the time on
    /// average (fixed a priori; AI4I's modes measure 0.005–0.05 or 0.99, far from it on either side).
    /// </summary>
    public const double SkillLevel = 0.5;

    /// <summary>Inner folds that measure each mode's skill while training.</summary>
    public const int SkillFolds = 3;

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
        var labels = MachineRecords.ModeNames.Select((_, m) => records.Select(r => r.Modes![m]).ToList()).ToList();
        var modes = labels.Select(l => BoostedTreesTrainer.FitBinary(rows, l, FeatureNames, options));
        var skill = labels.Select(l => Skill(rows, l, options));
        return new FailureModel(failure, [.. modes], [.. skill]);
    }

    /// <summary>Whether mode <paramref name="m"/> takes part in the decision.</summary>
    public bool Counts(int m) => ModeSkill is null || ModeSkill[m] >= SkillLevel;

    // Average precision of out-of-fold probabilities over stratified inner folds: what the classifier would show
    // on rows it never saw, without touching any row outside the training set.
    private static double Skill(List<float[]> rows, List<bool> labels, BoostingOptions options)
    {
        var fold = FailureEvaluation.StratifiedFolds(labels, SkillFolds, options.Seed);

        var scored = new (double Probability, bool Truth)[rows.Count];
        for (var k = 0; k < SkillFolds; k++)
        {
            var train = Enumerable.Range(0, rows.Count).Where(i => fold[i] != k).ToList();
            var classifier = BoostedTreesTrainer.FitBinary([.. train.Select(i => rows[i])], [.. train.Select(i => labels[i])], FeatureNames, options);
            foreach (var i in Enumerable.Range(0, rows.Count).Where(i => fold[i] == k))
            {
                scored[i] = (classifier.Probability(rows[i]), labels[i]);
            }
        }

        return BinaryFigures.AveragePrecision(scored);
    }

    public void Check()
    {
        if (Failure is null || Modes is null || Modes.Count != MachineRecords.ModeNames.Count || Modes.Any(m => m is null))
        {
            throw new InvalidDataException($"The failure model needs its failure classifier and {MachineRecords.ModeNames.Count} mode classifiers.");
        }

        if (ModeSkill is not null && (ModeSkill.Count != Modes.Count || ModeSkill.Any(s => !double.IsFinite(s))))
        {
            throw new InvalidDataException($"The failure model's mode skills must be {Modes.Count} finite numbers.");
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
    /// A machine fails when any of its learnable mechanisms does: the union of the counted modes' probabilities. The
    /// failure classifier (which also learns failures that flag no mode, and the random ones) decides only when no
    /// mode counts.
    /// </summary>
    public double Probability(ReadOnlySpan<float> row) => Assess(row).Probability;

    public FailurePrediction Predict(MachineRecord record)
    {
        var (probability, mode, _) = Assess(Features(record));
        return new FailurePrediction(probability, mode);
    }

    /// <summary>
    /// The classifier whose output decided the probability — the most probable counted mode's, or the failure
    /// classifier's when no mode counts — and the name of that output, for explanations.
    /// </summary>
    public (CalibratedEnsemble Classifier, string Output) Deciding(ReadOnlySpan<float> row)
    {
        var (_, _, best) = Assess(row);
        return best < 0 ? (Failure, "failure_margin") : (Modes[best], $"mode_margin:{MachineRecords.ModeNames[best]}");
    }

    // One pass over the classifiers: the probability, the mode reported, and which mode decided (-1: the failure classifier).
    private (double Probability, string Mode, int DecidingMode) Assess(ReadOnlySpan<float> row)
    {
        var (union, best) = ModeUnion(row, countedOnly: true);
        if (best < 0)
        {
            var failure = Failure.Probability(row);
            return (failure, failure < Threshold ? NoFailure : MachineRecords.ModeNames[ModeUnion(row, countedOnly: false).Best], -1);
        }

        return (union, union < Threshold ? NoFailure : MachineRecords.ModeNames[best], best);
    }

    // The union of the modes' probabilities, 1 − Π(1 − p), and the most probable mode (-1 when none is looked at).
    private (double Union, int Best) ModeUnion(ReadOnlySpan<float> row, bool countedOnly)
    {
        var none = 1.0;
        var best = -1;
        var bestProbability = -1.0;
        for (var m = 0; m < Modes.Count; m++)
        {
            if (countedOnly && !Counts(m))
            {
                continue;
            }

            var p = Modes[m].Probability(row);
            none *= 1 - p;
            if (p > bestProbability)
            {
                (best, bestProbability) = (m, p);
            }
        }

        return (1 - none, best);
    }
}
