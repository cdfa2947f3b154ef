using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Detection.Multivariate;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx health evaluate`: the simulated pump's faults through the asset-health detector and through the per-sensor
/// detector on every column; one table of faults caught, delays, pointwise F1 and false alarms.
/// </summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds per fault (1, 2, …)", DefaultValueFactory = _ => 5 };
        var evaluate = new Command("evaluate", "Compare the asset-health detector with per-sensor detection on simulated pump faults") { seeds };
        evaluate.SetAction(parse => Evaluate(Math.Max(1, parse.GetValue(seeds)), Console.Out));
        return new Command("health", "Asset health from all of an asset's sensors together") { evaluate };
    }

    public static int Evaluate(int seeds, TextWriter output)
    {
        var results = AssetHealthEvaluation.Run(Enumerable.Range(1, seeds));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"fault",-20} | {"asset health: caught",21} {"delay",6} {"F1",5} {"FA rate",8} {"FA ep.",6} | {"per sensor: caught",19} {"delay",6} {"F1",5} {"FA rate",8} {"FA ep.",6}"));
        foreach (var group in results.GroupBy(r => r.Fault))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key,-20} | {Describe([.. group.Select(r => r.AssetHealth)], 21)} | {Describe([.. group.Select(r => r.PerSensor)], 19)}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"all",-20} | {Describe([.. results.Select(r => r.AssetHealth)], 21)} | {Describe([.. results.Select(r => r.PerSensor)], 19)}"));
        output.WriteLine($"{AssetHealthEvaluation.Rows} rows a scenario (one a minute), the first {AssetHealthEvaluation.TrainRows} for training; " +
            "delay: median rows from onset to the first flagged fault row; F1 pointwise over faulty scenarios; FA rate: flagged rows " +
            "among rows without a fault; FA ep.: false-alarm episodes a scenario (mean)");
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
