using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx train`: an asset model (failure within 72 h, RUL in hours) per asset kind; `smx asset evaluate`: its
/// validation protocol on simulated run-to-failure histories.
/// </summary>
public static class AssetCommand
{
    public static Command CreateTrain()
    {
        var kind = KindOption();
        var simulated = new Option<int?>("--simulated")
        {
            Description = "Train here on this many seeded run-to-failure histories the simulator generates for the kind (writes --out)",
        };
        var url = new Option<string?>("--url")
        {
            Description = "Train on the platform's own fleet instead: the server at this address reads its stored readings and confirmed failures and registers the model",
        };
        var key = new Option<string?>("--key") { Description = "API key with ml:train, for --url (default: $SMX_API_KEY)" };
        var name = new Option<string?>("--name") { Description = "Model name in the registry, for --url (default: asset-KIND)" };
        var days = new Option<int>("--days") { Description = "Days of records the server reads, for --url", DefaultValueFactory = _ => 180 };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated histories", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the model (with --simulated)" };
        var validate = new Option<bool>("--validate") { Description = "Also run the 5-fold validation over histories and record its figures in the model" };
        var train = new Command("train", "Train an asset model (failure within 72 h and RUL in hours) for one asset kind: on simulated histories, or on a platform's own fleet")
        {
            kind, simulated, url, key, name, days, seed, output, validate,
        };
        train.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(url) is { } address)
            {
                return await TrainOnFleetAsync(address, parse.GetValue(key) ?? Environment.GetEnvironmentVariable("SMX_API_KEY"),
                    parse.GetRequiredValue(kind), parse.GetValue(name), parse.GetValue(days), Console.Out, Console.Error, cancellationToken);
            }

            if (parse.GetValue(simulated) is not { } histories || parse.GetValue(output) is not { } file)
            {
                await Console.Error.WriteLineAsync("Give --simulated N --out MODEL.zip to train here, or --url (and --key) to train on a platform's fleet.");
                return 2;
            }

            return Train(parse.GetRequiredValue(kind), histories, parse.GetValue(seed), file, parse.GetValue(validate), Console.Out, Console.Error);
        });
        return train;
    }

    /// <summary>Starts a training run on the server's own fleet and follows it until it ends; 0 when a version was registered.</summary>
    public static async Task<int> TrainOnFleetAsync(
        string address, string? key, string kind, string? name, int days, TextWriter log, TextWriter errors, CancellationToken cancellationToken,
        HttpClient? client = null)
    {
        if (client is null && (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            await errors.WriteLineAsync($"--url must be an http(s) address, not '{address}'.");
            return 2;
        }

        if (string.IsNullOrEmpty(key) && client is null)
        {
            await errors.WriteLineAsync("An API key with ml:train is needed: pass --key or set SMX_API_KEY.");
            return 2;
        }

        using var owned = client is null ? new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(1) } : null;
        var http = client ?? owned!;
        if (owned is not null)
        {
            owned.DefaultRequestHeaders.Add("X-API-Key", key);
        }

        var to = DateTimeOffset.UtcNow;
        using var started = await http.PostAsJsonAsync("/api/v1/ml/train",
            new Dictionary<string, object?> { ["asset_kind"] = kind, ["name"] = name, ["from"] = to.AddDays(-Math.Max(1, days)), ["to"] = to }, cancellationToken);
        if (!started.IsSuccessStatusCode)
        {
            await errors.WriteLineAsync($"{(int)started.StatusCode}: {await started.Content.ReadAsStringAsync(cancellationToken)}");
            return 1;
        }

        var location = started.Headers.Location!.OriginalString;
        string? shown = null;
        while (true)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(location, cancellationToken));
            var run = document.RootElement;
            var status = run.GetProperty("status").GetString();
            var line = string.Create(CultureInfo.InvariantCulture, $"{status} {run.GetProperty("progress").GetDouble():P0}");
            if (line != shown)
            {
                await log.WriteLineAsync(line);
                shown = line;
            }

            if (status == "failed")
            {
                await errors.WriteLineAsync(run.GetProperty("error").GetString());
                return 1;
            }

            if (status == "completed")
            {
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{run.GetProperty("model_name").GetString()} v{run.GetProperty("version").GetInt32()} registered in staging: {run.GetProperty("assets").GetInt32()} assets, {run.GetProperty("failures").GetInt32()} failures, {run.GetProperty("samples").GetInt32()} samples"));
                return 0;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    public static Command Create()
    {
        var kinds = new Option<string[]>("--asset-kind")
        {
            Description = $"Asset kinds to evaluate ({string.Join(", ", DemoFleet.SensorKinds)}); all when not given",
            AllowMultipleArgumentsPerToken = true,
        };
        var histories = new Option<int>("--histories") { Description = "Simulated run-to-failure histories per kind", DefaultValueFactory = _ => 150 };
        var folds = new Option<int>("--folds") { Description = "History-wise folds", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the histories and the split", DefaultValueFactory = _ => 1 };
        var evaluate = new Command("evaluate", "History-wise cross-validation per kind, and each kind judged by a model trained on the others")
        {
            kinds, histories, folds, seed,
        };
        evaluate.SetAction(parse => Evaluate(parse.GetValue(kinds) is { Length: > 0 } k ? k : [.. DemoFleet.SensorKinds],
            Math.Max(10, parse.GetValue(histories)), Math.Max(2, parse.GetValue(folds)), parse.GetValue(seed), Console.Out, Console.Error));
        return new Command("asset", "Asset models: failure risk and remaining useful life from an asset's sensors together") { evaluate };
    }

    public static int Train(string kind, int simulated, int seed, FileInfo output, bool validate, TextWriter log, TextWriter errors)
    {
        if (!KnownKind(kind, errors))
        {
            return 2;
        }

        if (simulated < 10)
        {
            errors.WriteLine("--simulated: at least 10 histories are needed to learn from.");
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (trained, zip) = RunToFailure.TrainModel(kind, simulated, seed, validate ? 5 : 0);
        ModelArtifact.WriteFile(output.FullName, zip);
        if (trained.Metrics.Count > 0)
        {
            log.WriteLine(string.Join(", ", trained.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F3}"))));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind}: {trained.Histories} histories, {trained.Samples} samples, {trained.Model.Features.Count} features; trained in {started.Elapsed.TotalSeconds:F1} s → {output.FullName}"));
        return 0;
    }

    public static int Evaluate(IReadOnlyList<string> kinds, int histories, int folds, int seed, TextWriter output, TextWriter errors)
    {
        if (kinds.Any(k => !KnownKind(k, errors)))
        {
            return 2;
        }

        var options = AssetModelTraining.Options;
        var all = DemoFleet.SensorKinds.ToDictionary(k => k, k => RunToFailure.Generate(k, histories, seed).ToList());
        output.WriteLine($"{"kind",-11} {"judged by",-16} {"fold",4} {"hist",4} {"samples",7} {"RMSE h",7} {"RMSE<cap",8} {"F1 72h",6} {"P",5} {"R",5} {"PR-AUC",6} {"RMSE mean",9}");
        void Print(string kind, string by, string fold, AssetFoldResult r) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind,-11} {by,-16} {fold,4} {r.Histories,4} {r.Samples,7} {r.RmseHours,7:F1} {r.DegradingRmseHours,8:F1} {r.Failure.F1,6:F3} {r.Failure.Precision,5:F2} {r.Failure.Recall,5:F2} {r.Failure.PrAuc,6:F3} {r.ConstantRmseHours,9:F1}"));
        foreach (var kind in kinds)
        {
            var features = RunToFailure.FeaturesOf(kind);
            var samples = all[kind].Select(h => (IReadOnlyList<AssetSample>)[.. h.Samples(features, AssetModel.SampleStep, AssetModel.DefaultCapHours)]).ToList();
            var results = AssetEvaluation.CrossValidate(features, samples, folds, options, seed);
            foreach (var r in results)
            {
                Print(kind, "its own folds", r.Fold.ToString(CultureInfo.InvariantCulture), r);
            }

            var (rmse, rmseSd) = FoldSpread.Of([.. results.Select(r => r.RmseHours)]);
            var (f1, f1Sd) = FoldSpread.Of([.. results.Select(r => r.Failure.F1)]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-11} {"its own folds",-16} {"all",4}   RMSE {rmse:F1} ± {rmseSd:F1} h (min {results.Min(r => r.RmseHours):F1}, max {results.Max(r => r.RmseHours):F1}), F1 {f1:F3} ± {f1Sd:F3}"));

            // The kind unseen: a model trained on every other kind's histories, read through this kind's features.
            var others = all.Where(o => o.Key != kind).SelectMany(o => o.Value).SelectMany(h => h.Samples(features, AssetModel.SampleStep, AssetModel.DefaultCapHours)).ToList();
            var model = AssetModel.Train(features, others, options);
            Print(kind, "the other kinds", "-", AssetEvaluation.Judge(model, 0, all[kind].Count, [.. samples.SelectMany(s => s)], others.Average(s => s.RulHours)));
        }

        output.WriteLine($"Histories simulated per kind: {histories} (seed {seed}), split {folds}-fold by history; samples every " +
            $"{AssetModel.SampleStep.TotalHours:0} h after a week of history (hourly in the last 48 h); RUL against min(true, {AssetModel.DefaultCapHours} h); " +
            $"F1 of 'fails within {AssetModel.DefaultHorizonHours} h' at 0.5; RMSE mean: always answering the training samples' mean RUL.");
        return 0;
    }

    private static Option<string> KindOption() => new("--asset-kind")
    {
        Description = $"The asset kind: {string.Join(", ", DemoFleet.SensorKinds)}",
        Required = true,
    };

    private static bool KnownKind(string kind, TextWriter errors)
    {
        if (DemoFleet.SensorKinds.Contains(kind))
        {
            return true;
        }

        errors.WriteLine($"--asset-kind: '{kind}' has no simulated profile; known kinds: {string.Join(", ", DemoFleet.SensorKinds)}.");
        return false;
    }
}
