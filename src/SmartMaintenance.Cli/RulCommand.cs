using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Cli;

/// <summary>`smx rul train|predict|evaluate`: remaining useful life of C-MAPSS-format engines.</summary>
public static class RulCommand
{
    public static Command Create()
    {
        var trainFiles = new Option<FileInfo[]>("--train")
        {
            Description = "Run-to-failure files in the C-MAPSS format (train_FD00X.txt); several are learned together",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the result", Required = true };
        var validate = new Option<bool>("--validate") { Description = "Also run the 5-fold validation and record its RMSE and NASA score in the model" };
        var train = new Command("train", "Train a RUL model on run-to-failure units") { trainFiles, output, validate };
        train.SetAction(parse => Train(parse.GetRequiredValue(trainFiles), parse.GetRequiredValue(output), Console.Out, Console.Error, parse.GetValue(validate)));

        var model = new Option<FileInfo>("--model") { Description = "A model written by `smx rul train`", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "Trajectories in the C-MAPSS format, cut before failure", Required = true };
        var explain = new Option<bool>("--explain") { Description = "Add the base value and each feature's exact SHAP value (of the output before clamping to 0..cap)" };
        var predict = new Command("predict", "Predict each unit's RUL at its last cycle: unit,rul") { model, test, output, explain };
        predict.SetAction(parse => Predict(parse.GetRequiredValue(model), parse.GetRequiredValue(test), parse.GetRequiredValue(output), parse.GetValue(explain), Console.Out, Console.Error));

        var evaluateFiles = new Option<FileInfo[]>("--train")
        {
            Description = "Run-to-failure files; each is evaluated on its own",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var folds = new Option<int>("--folds") { Description = "Unit-wise folds", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the cuts", DefaultValueFactory = _ => 1 };
        var evaluate = new Command("evaluate", "Unit-wise cross-validation with held-out units cut at random cycles: RMSE and NASA score per fold")
        {
            evaluateFiles, folds, seed,
        };
        evaluate.SetAction(parse => Evaluate(parse.GetRequiredValue(evaluateFiles), Math.Max(2, parse.GetValue(folds)), parse.GetValue(seed), Console.Out, Console.Error));

        var driftData = new Option<FileInfo>("--test") { Description = "Recent trajectories in the C-MAPSS format", Required = true };
        var drift = new Command("drift", "Each feature of the file's cycles against the model's training distribution: PSI and KS") { model, driftData };
        drift.SetAction(parse => Drift(parse.GetRequiredValue(model), parse.GetRequiredValue(driftData), Console.Out, Console.Error));

        return new Command("rul", "Remaining useful life from run-to-failure histories (NASA C-MAPSS format)") { train, predict, evaluate, drift };
    }

    public static int Train(IReadOnlyList<FileInfo> files, FileInfo output, TextWriter log, TextWriter errors, bool validate = false)
    {
        if (!TryRead(files, errors, out var units))
        {
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var options = new BoostingOptions();
        var model = RulModel.Train(units, options);
        var metrics = validate ? RulEvaluation.Metrics(RulEvaluation.CrossValidate(units, 5, options, seed: 1)) : null;
        ModelArtifact.Save(output.FullName, RulModel.Kind, model, ModelArtifact.Fingerprint(files.Select(f => f.FullName)),
            new Dictionary<string, string>(options.Parameters("ML.NET FastTree regression")) { ["cap"] = model.Cap.ToString(CultureInfo.InvariantCulture) },
            model.Trees.FeatureNames, metrics, FeatureReference.Of(model.Trees.FeatureNames, model.Rows(units)));
        if (metrics is not null)
        {
            log.WriteLine(string.Join(", ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F3}"))));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{units.Count} units, {units.Sum(u => u.Cycles.Count)} cycles, {model.Features.Regimes.Count} operating condition(s), {model.Features.Count} features; trained in {started.Elapsed.TotalSeconds:F1} s → {output.FullName}"));
        return 0;
    }

    public static int Predict(FileInfo modelFile, FileInfo test, FileInfo output, bool explain, TextWriter log, TextWriter errors)
    {
        if (!ModelParameters.TryLoad<RulModel>(modelFile, RulModel.Kind, errors, out var model))
        {
            return 2;
        }

        if (!TryRead([test], errors, out var units, prefixed: false))
        {
            return 2;
        }

        using (var writer = new StreamWriter(output.FullName))
        {
            var explainer = explain ? new Explanations(model.Trees.FeatureNames) : null;
            writer.WriteLine("unit,rul" + explainer?.Header);
            foreach (var unit in units)
            {
                var row = model.Features.LastRow(unit);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{unit.Id},{model.Predict(row):F2}")
                    + explainer?.Columns(model.Trees, "rul_before_clamp", row));
            }
        }

        log.WriteLine($"{units.Count} units → {output.FullName}");
        return 0;
    }

    public static int Drift(FileInfo modelFile, FileInfo data, TextWriter output, TextWriter errors) =>
        ModelParameters.TryLoad<RulModel>(modelFile, RulModel.Kind, errors, out var model, out var manifest) && TryRead([data], errors, out var units, prefixed: false)
            ? DriftTable.Print(manifest, model.Rows(units), output, errors)
            : 2;

    public static int Evaluate(IReadOnlyList<FileInfo> files, int folds, int seed, TextWriter output, TextWriter errors)
    {
        output.WriteLine($"{"file",-16} {"fold",4} {"units",5} {"cuts",5} {"RMSE",7} {"NASA",9} {"NASA/cut",8} {"RMSE RUL≤cap",12} {"mean true RUL",13} {"train s",7}");
        foreach (var file in files)
        {
            if (!TryRead([file], errors, out var units))
            {
                return 2;
            }

            var results = RulEvaluation.CrossValidate(units, folds, new BoostingOptions(), seed);
            foreach (var r in results)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{file.Name,-16} {r.Fold,4} {r.Units,5} {r.Predictions,5} {r.Rmse,7:F2} {r.NasaScore,9:F1} {r.NasaScore / r.Predictions,8:F2} {r.DegradingRmse,12:F2} {r.MeanTrueRul,13:F1} {r.Training.TotalSeconds,7:F1}"));
            }

            var rmse = results.Select(r => r.Rmse).ToList();
            var (mean, spread) = FoldSpread.Of(rmse);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{file.Name,-16} {"all",4} {results.Sum(r => r.Units),5} {results.Sum(r => r.Predictions),5} {mean,7:F2} {results.Sum(r => r.NasaScore),9:F1} {results.Sum(r => r.NasaScore) / results.Sum(r => r.Predictions),8:F2} {results.Average(r => r.DegradingRmse),12:F2}   RMSE ± {spread:F2} (sd over folds), min {rmse.Min():F2}, max {rmse.Max():F2}"));
        }

        output.WriteLine($"Units split {folds}-fold (seed {seed}); each held-out unit cut {RulEvaluation.CutsPerUnit} times at a random cycle " +
            $"(at least {RulEvaluation.MinKeptCycles} kept, at least one left); error against min(true RUL, {RulModel.DefaultCap}); " +
            "RMSE RUL≤cap: over the cuts whose true RUL is within the cap.");
        return 0;
    }

    private static bool TryRead(IReadOnlyList<FileInfo> files, TextWriter errors, out List<CmapssUnit> units, bool prefixed = true)
    {
        units = [];
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                errors.WriteLine($"{file.FullName}: no such file");
                return false;
            }

            try
            {
                units.AddRange(CmapssData.Read(file.FullName, prefixed && files.Count > 1 ? Path.GetFileNameWithoutExtension(file.Name) : null));
            }
            catch (FormatException e)
            {
                errors.WriteLine(e.Message);
                return false;
            }
        }

        if (units.Count == 0)
        {
            errors.WriteLine("The files hold no units.");
            return false;
        }

        return true;
    }
}
