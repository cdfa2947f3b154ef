using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Cli;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>smx rul train|predict|evaluate</c> as other tools call them, on engines simulated in the C-MAPSS format.</summary>
public sealed class CliRulTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("smx-rul-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Smx(params string[] args) => new RootCommand { RulCommand.Create() }.Parse(args).Invoke();

    [Fact]
    public void Train_then_predict_writes_each_units_rul_at_its_last_cycle()
    {
        var train = Write("train.txt", SyntheticEngines.Lines(units: 40, seed: 1, keep: life => life));
        // Unit 1 is cut early in its life, unit 2 near its end.
        var test = Write("test.txt", SyntheticEngines.Engine(1, 220, 30, new Random(3)).Concat(SyntheticEngines.Engine(2, 220, 210, new Random(4))));
        var model = Path.Combine(_folder, "model.zip");
        var predictions = Path.Combine(_folder, "pred.csv");

        Assert.Equal(0, Smx("rul", "train", "--train", train, "--out", model, "--validate"));
        Models.ModelManifest manifest;
        using (var stream = File.OpenRead(model))
        {
            manifest = Models.ModelArtifact.Inspect(stream, model);
        }

        Assert.InRange(manifest.Metrics["cv_rmse"], 0.1, 40);
        Assert.Equal(["cycle", "s1_last"], manifest.Features.Take(2));
        Assert.Equal(0, Smx("rul", "predict", "--model", model, "--test", test, "--out", predictions));

        var lines = File.ReadAllLines(predictions);
        Assert.Equal("unit,rul", lines[0]);
        Assert.Equal(3, lines.Length);
        var rul = lines[1..].ToDictionary(l => l.Split(',')[0], l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture));
        Assert.True(rul["1"] > 90, $"30 of 220 cycles: {rul["1"]}");
        Assert.True(rul["2"] < 40, $"210 of 220 cycles: {rul["2"]}");

        var drift = new StringWriter();
        Assert.Equal(0, RulCommand.Drift(new FileInfo(model), new FileInfo(train), drift, TextWriter.Null));
        Assert.Contains($"0 of {manifest.Features.Count} features drifted", drift.ToString(), StringComparison.Ordinal);

        var explained = Path.Combine(_folder, "explained.csv");
        Assert.Equal(0, Smx("rul", "predict", "--model", model, "--test", test, "--out", explained, "--explain"));
        var table = File.ReadAllLines(explained);
        Assert.StartsWith("unit,rul,explained,base_value,shap_cycle,", table[0], StringComparison.Ordinal);
        foreach (var line in table[1..])
        {
            var cells = line.Split(',');
            Assert.Equal("rul_before_clamp", cells[2]);
            var values = cells[1..2].Concat(cells[3..]).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(table[0].Split(',').Length - 2, values.Length);
            // Both predictions lie inside 0..cap, so the base value and the contributions add up to them.
            Assert.Equal(values[0], values[1..].Sum(), 1);
        }
    }

    [Fact]
    public void Predict_refuses_a_file_that_is_not_a_rul_model()
    {
        var notModel = Write("model.zip", ["not a zip"]);
        var test = Write("test.txt", SyntheticEngines.Engine(1, 100, 50, new Random(1)));

        Assert.Equal(2, Smx("rul", "predict", "--model", notModel, "--test", test, "--out", Path.Combine(_folder, "p.csv")));
        Assert.Equal(2, Smx("rul", "predict", "--model", Path.Combine(_folder, "missing.zip"), "--test", test, "--out", Path.Combine(_folder, "p.csv")));
        Assert.False(File.Exists(Path.Combine(_folder, "p.csv")));
    }

    [Fact]
    public void Evaluate_prints_every_fold_and_the_spread()
    {
        var train = Write("train_SIM.txt", SyntheticEngines.Lines(units: 20, seed: 5, keep: life => life));
        var output = new StringWriter();

        Assert.Equal(0, RulCommand.Evaluate([new FileInfo(train)], folds: 2, seed: 1, output, TextWriter.Null));

        var lines = output.ToString().Split('\n');
        Assert.Equal(2, lines.Count(l => l.StartsWith("train_SIM.txt", StringComparison.Ordinal) && !l.Contains(" all ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains(" all ", StringComparison.Ordinal) && l.Contains("sd over folds", StringComparison.Ordinal));
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}

/// <summary>Degrading engines in the C-MAPSS text format, for tests that need run-to-failure histories.</summary>
internal static class SyntheticEngines
{
    public static IEnumerable<string> Lines(int units, int seed, Func<int, int> keep)
    {
        var random = new Random(seed);
        for (var unit = 1; unit <= units; unit++)
        {
            var life = random.Next(150, 300);
            foreach (var line in Engine(unit, life, keep(life), random))
            {
                yield return line;
            }
        }
    }

    // A degrading engine: wear grows exponentially over its life and moves four of the sensors; the rest is noise.
    public static IEnumerable<string> Engine(int unit, int life, int keep, Random random)
    {
        for (var cycle = 1; cycle <= keep; cycle++)
        {
            var wear = Math.Exp(4.0 * cycle / life) / Math.Exp(4.0);
            var sensors = Enumerable.Range(0, 21).Select(s => 100 + s + (s < 4 ? 5 * wear * (s % 2 == 0 ? 1 : -1) : 0) + (random.NextDouble() - 0.5));
            yield return string.Join(' ', new double[] { unit, cycle, 0.001 * random.NextDouble(), 0, 100 }.Concat(sensors)
                .Select(v => v.ToString("0.####", CultureInfo.InvariantCulture)));
        }
    }
}
