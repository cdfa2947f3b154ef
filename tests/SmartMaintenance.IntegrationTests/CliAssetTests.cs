using System.CommandLine;

using SmartMaintenance.Cli;
using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>smx train</c> and <c>smx asset evaluate</c> on simulated run-to-failure histories.</summary>
public sealed class CliAssetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smx-asset-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Smx(params string[] args) => new RootCommand { AssetCommand.CreateTrain(), AssetCommand.Create() }.Parse(args).Invoke();

    [Fact]
    public void Train_writes_a_validated_model_for_the_kind_and_refuses_unknown_kinds()
    {
        var path = Path.Combine(_folder, "motor.zip");
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, AssetCommand.Train("motor", 20, 4, new FileInfo(path), validate: true, output, errors));
        Assert.Contains("motor: 20 histories", output.ToString());
        var (model, manifest) = ModelArtifact.Load<AssetModel>(path, AssetModel.Kind);
        Assert.Equal(["temperature", "vibration", "current", "speed"], model.Features.SensorTypes);
        Assert.Equal("20", manifest.Parameters["histories"]);
        Assert.True(manifest.Metrics["cv_f1"] is > 0 and <= 1);
        Assert.True(manifest.Metrics["cv_rmse"] > 0);

        var refused = new StringWriter();
        Assert.Equal(2, AssetCommand.Train("turbine", 20, 1, new FileInfo(Path.Combine(_folder, "t.zip")), false, output, refused));
        Assert.Contains("known kinds: pump, motor", refused.ToString());
        Assert.Equal(2, Smx("train", "--asset-kind", "pump", "--simulated", "3", "--out", Path.Combine(_folder, "p.zip")));
        Assert.False(File.Exists(Path.Combine(_folder, "p.zip")));
    }

    [Fact]
    public void Evaluate_prints_each_fold_and_the_kind_judged_by_a_model_of_the_others()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.True(AssetCommand.Evaluate(["fan"], 10, 2, 1, output, errors) == 0, errors.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Count(l => l.StartsWith("fan ", StringComparison.Ordinal) && l.Contains("its own folds") && !l.Contains(" all ")));
        Assert.Single(lines, l => l.StartsWith("fan ", StringComparison.Ordinal) && l.Contains("the other kinds"));
        Assert.Contains(lines, l => l.Contains("RMSE") && l.Contains('±', StringComparison.Ordinal));
    }
}
