using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Cli;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>smx failure train|predict|evaluate</c> as other tools call them, on machines simulated in the AI4I 2020 format.</summary>
public sealed class CliFailureTests : IDisposable
{
    private const string Header = "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min]";
    private readonly string _folder = Directory.CreateTempSubdirectory("smx-failure-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Smx(params string[] args) => new RootCommand { FailureCommand.Create() }.Parse(args).Invoke();

    [Fact]
    public void Train_then_predict_writes_a_probability_and_a_mode_per_record()
    {
        var train = Write("train.csv", Machines(3000, seed: 1, labelled: true));
        var data = Write("data.csv", [Header, "7,L7,L,300,310,1500,40,100", "8,L8,L,300,310,2800,70,100"]);
        var model = Path.Combine(_folder, "model.zip");
        var predictions = Path.Combine(_folder, "pred.csv");

        Assert.Equal(0, Smx("failure", "train", "--data", train, "--out", model));
        Assert.Equal(0, Smx("failure", "predict", "--model", model, "--data", data, "--out", predictions));

        var lines = File.ReadAllLines(predictions);
        Assert.Equal("udi,failure_probability,predicted_mode", lines[0]);
        var healthy = lines[1].Split(',');
        var overPowered = lines[2].Split(',');
        Assert.Equal(("7", "none"), (healthy[0], healthy[2]));
        Assert.True(double.Parse(healthy[1], CultureInfo.InvariantCulture) < 0.2);
        Assert.Equal(("8", "PWF"), (overPowered[0], overPowered[2]));
        Assert.True(double.Parse(overPowered[1], CultureInfo.InvariantCulture) > 0.8);

        var explained = Path.Combine(_folder, "explained.csv");
        Assert.Equal(0, Smx("failure", "predict", "--model", model, "--data", data, "--out", explained, "--explain"));
        var table = File.ReadAllLines(explained);
        Assert.StartsWith("udi,failure_probability,predicted_mode,explained,base_value,shap_type,", table[0], StringComparison.Ordinal);
        var cells = table[2].Split(',');
        Assert.Contains(cells[3], new[] { "failure_margin", "mode_margin:PWF" });
        Assert.Equal(table[0].Split(',').Length, cells.Length);
    }

    [Fact]
    public void Training_without_outcomes_and_a_wrong_model_kind_are_refused()
    {
        var unlabelled = Write("unlabelled.csv", Machines(100, seed: 2, labelled: false));
        Assert.Equal(2, Smx("failure", "train", "--data", unlabelled, "--out", Path.Combine(_folder, "m.zip")));
        Assert.False(File.Exists(Path.Combine(_folder, "m.zip")));

        var notFailure = Path.Combine(_folder, "rul.zip");
        Models.ModelArtifact.Save(notFailure, "rul", new { cap = 125 }, "x", new Dictionary<string, string>());
        Assert.Equal(2, Smx("failure", "predict", "--model", notFailure, "--data", unlabelled, "--out", Path.Combine(_folder, "p.csv")));
    }

    [Fact]
    public void Evaluate_prints_the_outcome_table_and_the_confusion_matrix()
    {
        var data = Write("data.csv", Machines(1500, seed: 3, labelled: true));
        var output = new StringWriter();

        Assert.Equal(0, FailureCommand.Evaluate(new FileInfo(data), folds: 3, seed: 1, output, TextWriter.Null));

        var text = output.ToString();
        Assert.Contains("Machine failure", text, StringComparison.Ordinal);
        Assert.Contains("F1 per fold", text, StringComparison.Ordinal);
        Assert.Contains("true \\ predicted", text, StringComparison.Ordinal);
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    // Machines that fail by power (PWF) when torque × speed leaves 3.5–9 kW; no other mode.
    private static IEnumerable<string> Machines(int count, int seed, bool labelled)
    {
        var random = new Random(seed);
        yield return labelled ? Header + ",Machine failure,TWF,HDF,PWF,OSF,RNF" : Header;
        for (var udi = 1; udi <= count; udi++)
        {
            var speed = 1200 + (random.NextDouble() * 1700);
            var torque = 10 + (random.NextDouble() * 60);
            var power = torque * speed * 2 * Math.PI / 60;
            var fails = power is < 3500 or > 9000 ? 1 : 0;
            var row = string.Create(CultureInfo.InvariantCulture,
                $"{udi},L{udi},L,{298 + random.NextDouble():F1},{309 + random.NextDouble():F1},{speed:F0},{torque:F1},{random.Next(0, 250)}");
            yield return labelled ? $"{row},{fails},0,0,{fails},0,0" : row;
        }
    }
}
