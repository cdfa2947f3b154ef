using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Tests.Detection;

namespace SmartMaintenance.Tests.Models;

public sealed class FailureModelTests
{
    private static readonly Lazy<IReadOnlyList<MachineRecord>> Ai4i = new(() =>
        MachineRecords.Read(Path.Combine(SharedData.Folder("ai4i2020", "SMX_AI4I_DIR"), "ai4i2020.csv")));

    [Fact]
    public void The_ai4i_file_reads_with_its_outcomes()
    {
        var records = Ai4i.Value;
        Assert.Equal(10_000, records.Count);
        Assert.Equal(339, records.Count(r => r.Failure == true));
        Assert.Equal(115, records.Count(r => r.Modes![1]));
        Assert.Equal(6000, records.Count(r => r.Type == "L"));
    }

    [Fact]
    public void Failures_the_model_never_saw_are_caught_and_given_their_mode()
    {
        var records = Ai4i.Value;
        var model = FailureModel.Train([.. records.Where(r => r.Udi % 5 != 0)], FailureModel.Options with { Trees = 200 });
        var held = records.Where(r => r.Udi % 5 == 0).ToList();

        var predictions = held.Select(r => (Record: r, Prediction: model.Predict(r))).ToList();
        var figures = BinaryFigures.Of([.. predictions.Select(p => (p.Prediction.Probability, p.Record.Failure!.Value))], FailureModel.Threshold);
        Assert.True(figures.F1 > 0.8, $"F1 {figures.F1:F3}");
        var overstrain = predictions.Where(p => p.Record.Modes![3] && !p.Record.Modes[1] && !p.Record.Modes[2]).ToList();
        Assert.NotEmpty(overstrain);
        Assert.True(overstrain.Count(p => p.Prediction.Mode == "OSF") >= overstrain.Count - 2);
        Assert.All(predictions.Where(p => p.Prediction.Probability < FailureModel.Threshold), p => Assert.Equal(FailureModel.NoFailure, p.Prediction.Mode));

        // Tool-wear and random failures have no mechanism in the inputs: measured on inner folds, they are left out.
        var counted = MachineRecords.ModeNames.Where((_, m) => model.Counts(m)).ToList();
        Assert.Equal(["HDF", "PWF", "OSF"], counted);
        Assert.All(predictions.Where(p => p.Prediction.Probability >= FailureModel.Threshold), p => Assert.Contains(p.Prediction.Mode, counted));
    }

    [Fact]
    public void A_model_written_before_mode_skill_lets_every_mode_count()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new float[] { i % 3, 298, 308, 1500, 40, i, 10, 6000, 40 * i }).ToList();
        var wear = BoostedTreesTrainer.FitBinary(rows, [.. rows.Select(r => r[5] > 30)], FailureModel.FeatureNames, new BoostingOptions { Trees = 5, MinRowsPerLeaf = 2 });
        var never = CalibratedEnsemble.Constant(false, FailureModel.FeatureNames);
        var old = new FailureModel(never, [wear, never, never, never, never]);
        Assert.True(old.Counts(0));
        Assert.True(old.Probability(rows[35]) >= FailureModel.Threshold);

        var gated = old with { ModeSkill = [0.1, 1, 1, 1, 1] };
        Assert.False(gated.Counts(0));
        Assert.True(gated.Probability(rows[35]) < FailureModel.Threshold);
        Assert.Throws<InvalidDataException>(() => (old with { ModeSkill = [1, 1] }).Check());
    }

    [Fact]
    public void Average_precision_is_one_for_a_perfect_ranking_and_falls_with_a_false_alarm_on_top()
    {
        Assert.Equal(1, BinaryFigures.AveragePrecision([(0.9, true), (0.8, true), (0.1, false)]), 9);
        Assert.Equal((0.5 + (2.0 / 3)) / 2, BinaryFigures.AveragePrecision([(0.9, false), (0.8, true), (0.7, true)]), 9);
        var figures = BinaryFigures.Of([(0.9, true), (0.6, false), (0.4, true), (0.1, false)], 0.5);
        Assert.Equal((1, 1, 1, 1), (figures.TruePositives, figures.FalsePositives, figures.FalseNegatives, figures.TrueNegatives));
        Assert.Equal(0.5, figures.F1, 9);
    }

    [Fact]
    public void Labels_that_never_change_give_a_model_of_that_label()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new float[] { i, 2 * i }).ToList();
        var never = BoostedTreesTrainer.FitBinary(rows, [.. rows.Select(_ => false)], ["a", "b"], new BoostingOptions());
        Assert.True(never.Probability([3, 6]) < 1e-9);
    }

    [Fact]
    public void A_bad_value_is_reported_with_its_line_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ai4i-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path,
        [
            "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min]",
            "1,M1,M,298.1,308.6,1551,42.8,0",
            "2,L2,X,298.2,308.7,1408,46.3,3",
        ]);
        try
        {
            var error = Assert.Throws<FormatException>(() => MachineRecords.Read(path));
            Assert.Contains("line 3", error.Message);
            Assert.Contains("'Type'", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
