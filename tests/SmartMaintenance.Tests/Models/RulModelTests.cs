using SmartMaintenance.Models;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Tests.Detection;

namespace SmartMaintenance.Tests.Models;

public sealed class RulModelTests
{
    private static readonly BoostingOptions Quick = new() { Trees = 60, Leaves = 16 };

    private static string Cmapss(string file) => Path.Combine(SharedData.Folder("cmapss", "SMX_CMAPSS_DIR"), file);

    [Fact]
    public void Six_operating_conditions_are_found_in_FD002_and_one_in_FD001()
    {
        Assert.Single(OperatingRegimes.Fit(CmapssData.Read(Cmapss("train_FD001.txt"))).Centroids);
        var fd002 = OperatingRegimes.Fit(CmapssData.Read(Cmapss("train_FD002.txt")));
        Assert.Equal(6, fd002.Count);
        Assert.Contains(fd002.Centroids, c => Math.Abs(c[0] - 42) < 0.5 && Math.Abs(c[1] - 0.84) < 0.01 && Math.Abs(c[2] - 100) < 0.5);
    }

    [Fact]
    public void Sensors_that_never_vary_within_a_condition_are_left_out()
    {
        var features = RulFeatures.Fit(CmapssData.Read(Cmapss("train_FD001.txt")));
        // s1, s5, s10, s16, s18 and s19 are constant in FD001 (0-based 0, 4, 9, 15, 17, 18).
        Assert.DoesNotContain(0, features.Sensors);
        Assert.DoesNotContain(17, features.Sensors);
        Assert.Contains(1, features.Sensors);
        Assert.Equal(features.Count, features.Names().Count);
    }

    [Fact]
    public void Features_at_a_cycle_do_not_depend_on_later_cycles()
    {
        var unit = CmapssData.Read(Cmapss("train_FD001.txt"))[0];
        var features = RulFeatures.Fit([unit]);
        var full = features.Rows(unit);
        var cut = features.Rows(unit.Truncate(50));
        Assert.Equal(full[49], cut[^1]);
    }

    [Fact]
    public void A_trained_model_predicts_less_life_as_an_unseen_engine_wears()
    {
        var units = CmapssData.Read(Cmapss("train_FD001.txt"));
        var model = RulModel.Train([.. units.Take(80)], Quick);
        var held = units.Skip(80).ToList();

        var early = held.Average(u => model.Predict(u.Truncate(30)));
        var late = held.Average(u => model.Predict(u));
        Assert.True(early > 100, $"30 cycles into life: {early}");
        Assert.True(late < 25, $"at failure: {late}");
        Assert.All(held, u => Assert.InRange(model.Predict(u), 0, RulModel.DefaultCap));
    }

    [Fact]
    public void A_saved_model_predicts_the_same_and_a_changed_file_is_refused()
    {
        var units = CmapssData.Read(Cmapss("train_FD003.txt"));
        var model = RulModel.Train([.. units.Take(40)], Quick);
        var path = Path.Combine(Path.GetTempPath(), $"rul-{Guid.NewGuid():N}.zip");
        try
        {
            var manifest = ModelArtifact.Save(path, RulModel.Kind, model, "fingerprint", new Dictionary<string, string> { ["trees"] = "60" });
            var (loaded, read) = ModelArtifact.Load<RulModel>(path, RulModel.Kind);
            Assert.Equal(manifest.ModelSha256, read.ModelSha256);
            Assert.All(units.Skip(40), u => Assert.Equal(model.Predict(u), loaded.Predict(u)));
            Assert.Throws<InvalidDataException>(() => ModelArtifact.Load<RulModel>(path, "failure"));

            Tamper(path);
            var refused = Assert.Throws<InvalidDataException>(() => ModelArtifact.Load<RulModel>(path, RulModel.Kind));
            Assert.Contains("SHA-256", refused.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_number()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cmapss-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, [string.Join(' ', Enumerable.Range(1, 26)), "1 2 3"]);
        try
        {
            var error = Assert.Throws<FormatException>(() => CmapssData.Read(path));
            Assert.Contains("line 2", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_nasa_score_punishes_late_predictions_more_than_early_ones()
    {
        var late = RulEvaluation.NasaScore([(Predicted: 60.0, Truth: 50.0)]);
        var early = RulEvaluation.NasaScore([(Predicted: 40.0, Truth: 50.0)]);
        Assert.Equal(Math.E - 1, late, 9);
        Assert.Equal(Math.Exp(10.0 / 13) - 1, early, 9);
        Assert.Equal(Math.Sqrt((9 + 16) / 2.0), RulEvaluation.Rmse([(1.0, 4.0), (10.0, 6.0)]), 9);
    }

    // Rewrites the model entry with one digit changed, keeping the manifest.
    private static void Tamper(string path)
    {
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update);
        var entry = zip.GetEntry("model.json")!;
        string text;
        using (var reader = new StreamReader(entry.Open()))
        {
            text = reader.ReadToEnd();
        }

        entry.Delete();
        Assert.Contains("\"cap\":125", text, StringComparison.Ordinal);
        using var writer = new StreamWriter(zip.CreateEntry("model.json").Open());
        writer.Write(text.Replace("\"cap\":125", "\"cap\":126", StringComparison.Ordinal));
    }
}
