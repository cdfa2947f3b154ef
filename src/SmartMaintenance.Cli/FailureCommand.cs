using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Cli;

/// <summary>`smx failure train|predict|evaluate`: machine failure and its mode from AI4I 2020-format operating points.</summary>
public static class FailureCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "A CSV file in the AI4I 2020 format", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the result", Required = true };
        var validate = new Option<bool>("--validate") { Description = "Also run the stratified 5-fold validation and record its F1 and PR-AUC in the model" };
        var train = new Command("train", "Train the failure and failure-mode classifiers on labelled records") { data, output, validate };
        train.SetAction(parse => Train(parse.GetRequiredValue(data), parse.GetRequiredValue(output), Console.Out, Console.Error, parse.GetValue(validate)));

        var model = new Option<FileInfo>("--model") { Description = "A model written by `smx failure train`", Required = true };
        var explain = new Option<bool>("--explain") { Description = "Add each feature's exact SHAP value of the margin (log-odds before calibration) of the classifier that decided the probability, named in 'explained'" };
        var predict = new Command("predict", "Predict each record: udi,failure_probability,predicted_mode") { model, data, output, explain };
        predict.SetAction(parse => Predict(parse.GetRequiredValue(model), parse.GetRequiredValue(data), parse.GetRequiredValue(output), parse.GetValue(explain), Console.Out, Console.Error));

        var folds = new Option<int>("--folds") { Description = "Stratified folds", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split", DefaultValueFactory = _ => 1 };
        var evaluate = new Command("evaluate", "Stratified cross-validation: F1, PR-AUC, per-mode figures and the confusion matrix") { data, folds, seed };
        evaluate.SetAction(parse => Evaluate(parse.GetRequiredValue(data), Math.Max(2, parse.GetValue(folds)), parse.GetValue(seed), Console.Out, Console.Error));

        var drift = new Command("drift", "Each feature of the file's records against the model's training distribution: PSI and KS") { model, data };
        drift.SetAction(parse => Drift(parse.GetRequiredValue(model), parse.GetRequiredValue(data), Console.Out, Console.Error));

        return new Command("failure", "Machine failure classification (AI4I 2020 format)") { train, predict, evaluate, drift };
    }

    public static int Train(FileInfo data, FileInfo output, TextWriter log, TextWriter errors, bool validate = false)
    {
        if (!TryRead(data, errors, out var records, labelled: true))
        {
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var options = FailureModel.Options;
        var model = FailureModel.Train(records, options);
        Dictionary<string, double>? metrics = null;
        if (validate)
        {
            metrics = FailureEvaluation.Metrics(FailureEvaluation.CrossValidate(records, 5, options, seed: 1));
            log.WriteLine(string.Join(", ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F3}"))));
        }

        ModelArtifact.Save(output.FullName, FailureModel.Kind, model, ModelArtifact.Fingerprint([data.FullName]),
            options.Parameters("ML.NET FastTree binary, one per outcome"), FailureModel.FeatureNames, metrics,
            FeatureReference.Of(FailureModel.FeatureNames, [.. records.Select(FailureModel.Features)]));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{records.Count} records, {records.Count(r => r.Failure == true)} failures; trained in {started.Elapsed.TotalSeconds:F1} s → {output.FullName}"));
        log.WriteLine("Mode skill (inner-fold average precision; a mode counts from " +
            string.Create(CultureInfo.InvariantCulture, $"{FailureModel.SkillLevel}): ") +
            string.Join(", ", MachineRecords.ModeNames.Select((name, m) =>
                string.Create(CultureInfo.InvariantCulture, $"{name} {model.ModeSkill![m]:F3}{(model.Counts(m) ? "" : " (left out)")}"))));
        return 0;
    }

    public static int Predict(FileInfo modelFile, FileInfo data, FileInfo output, bool explain, TextWriter log, TextWriter errors)
    {
        if (!ModelParameters.TryLoad<FailureModel>(modelFile, FailureModel.Kind, errors, out var model) || !TryRead(data, errors, out var records, labelled: false))
        {
            return 2;
        }

        using (var writer = new StreamWriter(output.FullName))
        {
            var explainer = explain ? new Explanations(FailureModel.FeatureNames) : null;
            writer.WriteLine("udi,failure_probability,predicted_mode" + explainer?.Header);
            foreach (var record in records)
            {
                var prediction = model.Predict(record);
                var row = FailureModel.Features(record);
                var (classifier, explained) = explain ? model.Deciding(row) : default;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{record.Udi},{prediction.Probability:F6},{prediction.Mode}")
                    + explainer?.Columns(classifier.Trees, explained, row));
            }
        }

        log.WriteLine($"{records.Count} records → {output.FullName}");
        return 0;
    }

    public static int Drift(FileInfo modelFile, FileInfo data, TextWriter output, TextWriter errors) =>
        ModelParameters.TryLoad<FailureModel>(modelFile, FailureModel.Kind, errors, out _, out var manifest) && TryRead(data, errors, out var records, labelled: false)
            ? DriftTable.Print(manifest, [.. records.Select(FailureModel.Features)], output, errors)
            : 2;

    public static int Evaluate(FileInfo data, int folds, int seed, TextWriter output, TextWriter errors)
    {
        if (!TryRead(data, errors, out var records, labelled: true))
        {
            return 2;
        }

        var cv = FailureEvaluation.CrossValidate(records, folds, FailureModel.Options, seed);
        var f1 = cv.FoldF1;
        var (mean, spread) = FoldSpread.Of(f1);
        output.WriteLine($"{"outcome",-16} {"rows",5} {"TP",5} {"FP",5} {"FN",5} {"precision",9} {"recall",7} {"F1",6} {"PR-AUC",7} {"failure recall",14}");
        output.WriteLine(Line("Machine failure", cv.Failure, null));
        for (var m = 0; m < cv.Modes.Count; m++)
        {
            output.WriteLine(Line(MachineRecords.ModeNames[m], cv.Modes[m], cv.ModeRecall[m]));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine failure F1 per fold: {string.Join(" ", f1.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))} (mean {mean:F3} ± {spread:F3})"));
        var classes = new[] { FailureModel.NoFailure }.Concat(MachineRecords.ModeNames).ToList();
        var truths = classes.Append(FailureEvaluation.Unflagged).ToList();
        output.WriteLine();
        output.WriteLine($"{"true \\ predicted",-16} {string.Join(" ", classes.Select(c => $"{c,6}"))}");
        foreach (var truth in truths)
        {
            output.WriteLine($"{truth,-16} {string.Join(" ", classes.Select(c => $"{cv.Confusion.GetValueOrDefault((truth, c)),6}"))}");
        }

        output.WriteLine($"Stratified {folds}-fold (seed {seed}), out-of-fold predictions, failure from p ≥ {FailureModel.Threshold}. Per mode: " +
            "that mode's own classifier, and 'failure recall' = share of the mode's rows judged failing. True class: the first flagged mode.");
        return 0;
    }

    private static string Line(string name, BinaryFigures b, double? failureRecall) => string.Create(CultureInfo.InvariantCulture,
        $"{name,-16} {b.TruePositives + b.FalseNegatives,5} {b.TruePositives,5} {b.FalsePositives,5} {b.FalseNegatives,5} {b.Precision,9:F3} {b.Recall,7:F3} {b.F1,6:F3} {b.PrAuc,7:F3} {(failureRecall is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "—"),14}");

    private static bool TryRead(FileInfo data, TextWriter errors, out IReadOnlyList<MachineRecord> records, bool labelled)
    {
        records = [];
        if (!data.Exists)
        {
            errors.WriteLine($"{data.FullName}: no such file");
            return false;
        }

        try
        {
            records = MachineRecords.Read(data.FullName);
        }
        catch (FormatException e)
        {
            errors.WriteLine(e.Message);
            return false;
        }

        if (records.Count == 0)
        {
            errors.WriteLine($"{data.FullName} holds no records.");
            return false;
        }

        if (labelled && records.Any(r => r.Failure is null))
        {
            errors.WriteLine($"{data.FullName}: training needs the columns Machine failure, {string.Join(", ", MachineRecords.ModeNames)}.");
            return false;
        }

        return true;
    }
}
