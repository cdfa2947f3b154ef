using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Detection.Multivariate;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx health evaluate`: the simulated pump's faults through the asset-health detector and through per-sensor
/// detection on every column (the ensemble, and the product's sensor monitor with its resonance detector); one table
/// of faults caught, delays, pointwise F1 and false alarms.
/// </summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds per fault (1, 2, …)", DefaultValueFactory = _ => 5 };
        var cmapss = new Option<FileInfo[]>("--cmapss")
        {
            Description = "Instead: C-MAPSS training files (train_FD00X.txt): when each held-out unit is first flagged in its life",
            AllowMultipleArgumentsPerToken = true,
        };
        var evaluate = new Command("evaluate", "Compare the asset-health detector with per-sensor detection on simulated pump faults") { seeds, cmapss };
        evaluate.SetAction(parse => parse.GetValue(cmapss) is { Length: > 0 } files
            ? EvaluateCmapss(files, Console.Out, Console.Error)
            : Evaluate(Math.Max(1, parse.GetValue(seeds)), Console.Out));
        return new Command("health", "Asset health from all of an asset's sensors together") { evaluate };
    }

    public static int Evaluate(int seeds, TextWriter output)
    {
        var results = AssetHealthEvaluation.Run(Enumerable.Range(1, seeds));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"fault",-20} | {"asset health: caught",21} {"delay",6} {"F1",5} {"FA rate",8} {"FA ep.",6} | {"ensemble: caught",19} {"delay",6} {"F1",5} {"FA rate",8} {"FA ep.",6} | {"resonance: caught",19} {"delay",6} {"F1",5} {"FA rate",8} {"FA ep.",6}"));
        foreach (var group in results.GroupBy(r => r.Fault))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key,-20} | {Describe([.. group.Select(r => r.AssetHealth)], 21)} | {Describe([.. group.Select(r => r.PerSensor)], 19)} | {Describe([.. group.Select(r => r.PerSensorResonance)], 19)}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"all",-20} | {Describe([.. results.Select(r => r.AssetHealth)], 21)} | {Describe([.. results.Select(r => r.PerSensor)], 19)} | {Describe([.. results.Select(r => r.PerSensorResonance)], 19)}"));
        output.WriteLine($"{AssetHealthEvaluation.Rows} rows a scenario (one a minute), the first {AssetHealthEvaluation.TrainRows} for training; " +
            "delay: median rows from onset to the first flagged fault row; F1 pointwise over faulty scenarios; FA rate: flagged rows " +
            "among rows without a fault; FA ep.: false-alarm episodes a scenario (mean)");
        return 0;
    }

    public static int EvaluateCmapss(IReadOnlyList<FileInfo> files, TextWriter output, TextWriter errors)
    {
        if (files.FirstOrDefault(f => !f.Exists) is { } missing)
        {
            errors.WriteLine($"{missing.FullName}: no such file");
            return 2;
        }

        output.WriteLine($"{"file",-16} {"units",5} {"flagged",8} {"in first half",13} {"first flag (% of life) q1 / median / q3",40} {"median lead",12}");
        foreach (var file in files)
        {
            var units = AssetHealthEvaluation.Cmapss(file.FullName);
            var flagged = units.Where(u => u.FirstFlag is not null).ToList();
            var fractions = flagged.Select(u => (double)u.FirstFlag!.Value / u.Cycles).Order().ToList();
            var leads = flagged.Select(u => u.Cycles - u.FirstFlag!.Value).Order().ToList();
            string At(double q) => fractions.Count == 0 ? "—" : fractions[(int)(q * (fractions.Count - 1))].ToString("P0", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{file.Name,-16} {units.Count,5} {flagged.Count,8} {fractions.Count(f => f < 0.5),13} {$"{At(0.25)} / {At(0.5)} / {At(0.75)}",40} {(leads.Count == 0 ? "—" : $"{leads[leads.Count / 2]} cycles"),12}"));
        }

        output.WriteLine($"One model on the first {AssetHealthEvaluation.CmapssHealthyCycles} cycles of the first half of each file's units; " +
            "the other half scored cycle by cycle. Every unit runs to failure: a flag in the first half of its life is a false alarm.");
        return 0;
    }

    private static string Describe(IReadOnlyList<FlagCounts> runs, int caughtWidth)
    {
        var faulty = runs.Where(r => r.TruePositives + r.FalseNegatives > 0).ToList();
        var caught = faulty.Count(r => r.Caught);
        var delays = faulty.Where(r => r.Caught).Select(r => r.Delay!.Value).Order().ToList();
        var delay = delays.Count == 0 ? "—" : delays[delays.Count / 2].ToString(CultureInfo.InvariantCulture);
        var f1 = faulty.Count == 0 ? "—" : faulty.Average(r => r.F1).ToString("0.00", CultureInfo.InvariantCulture);
        var caughtText = faulty.Count == 0 ? "—" : $"{caught}/{faulty.Count}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{caughtText.PadLeft(caughtWidth)} {delay,6} {f1,5} {runs.Average(r => r.FalseAlarmRate),8:0.0000} {runs.Average(r => r.FalseAlarmEpisodes),6:0.0}");
    }
}
