using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx detect`: runs a streaming detector over NAB-format files (<c>timestamp,value</c>) and writes
/// <c>timestamp,value,anomaly_score</c>, one row per input row, each score from that row and the earlier ones only.
/// The detector (<c>--detector</c>, by default the resonance detector) learns for the file's probationary period first
/// (<c>--probation</c>, by default NAB's 15 % of the rows, at most 750) and is told the file's range, as NAB tells every detector.
/// </summary>
public static class DetectCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input") { Description = "A CSV file with timestamp,value rows" };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write timestamp,value,anomaly_score" };
        var inputDir = new Option<DirectoryInfo?>("--input-dir") { Description = "A folder of CSV files (searched recursively)" };
        var outputDir = new Option<DirectoryInfo?>("--output-dir") { Description = "Where to write the scored files, keeping relative paths" };
        var sensitivity = SensitivityOption();
        var explain = new Option<bool>("--explain") { Description = "Add a column per part of the ensemble after anomaly_score (with --detector ensemble)" };
        var detector = DetectorOption();
        var probation = new Option<int?>("--probation")
        {
            Description = "Rows the detector learns from before judging (default: as NAB gives a file, 15 % of its rows, at most 750)",
            Validators = { result => { if (result.GetValueOrDefault<int?>() is < 1) { result.AddError("--probation must be at least 1"); } } },
        };
        var range = new Option<double[]?>("--range")
        {
            Description = "LOW HIGH: the range the detector is told (default: the file's minimum and maximum, as NAB tells every detector)",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var multivariate = new Option<bool>("--multivariate")
        {
            Description = "Score wide files (timestamp,<sensor_1>,…) with the asset-health detector: timestamp,anomaly_score,is_anomaly",
        };
        var trainRows = new Option<int?>("--train-rows")
        {
            Description = "With --multivariate: the first rows, known to be normal, that the model learns from",
            Validators = { result => { if (result.GetValueOrDefault<int?>() is < 3) { result.AddError("--train-rows must be at least 3"); } } },
        };
        var command = new Command("detect", "Score every row of time-series CSV files with the streaming anomaly detector")
        {
            input, output, inputDir, outputDir, detector, sensitivity, explain, probation, range, multivariate, trainRows,
        };
        command.SetAction(parse =>
        {
            if (!parse.GetValue(multivariate))
            {
                if (parse.GetValue(explain) && parse.GetValue(detector) != SeriesDetectorKind.Ensemble)
                {
                    Console.Error.WriteLine("--explain names the ensemble's parts: use it with --detector ensemble.");
                    return 2;
                }

                var told = parse.GetValue(range) is [var low, var high] ? (low, high) : ((double, double)?)null;
                if (told is var (l, h) && !(double.IsFinite(l) && double.IsFinite(h) && l <= h))
                {
                    Console.Error.WriteLine("--range needs two finite numbers, LOW then HIGH.");
                    return 2;
                }

                return Run(parse.GetValue(input), parse.GetValue(output), parse.GetValue(inputDir), parse.GetValue(outputDir),
                    new SeriesScoring(parse.GetValue(detector), new DetectorSettings(parse.GetValue(sensitivity)), parse.GetValue(probation), told),
                    parse.GetValue(explain), Console.Error);
            }

            if (parse.GetValue(trainRows) is not { } rows)
            {
                Console.Error.WriteLine("--multivariate needs --train-rows N: the first N rows, known to be normal, that the model learns from.");
                return 2;
            }

            var explainShares = parse.GetValue(explain);
            return RunFiles(parse.GetValue(input), parse.GetValue(output), parse.GetValue(inputDir), parse.GetValue(outputDir),
                (from, to) => MultivariateDetect.ScoreFile(from, to, rows, explainShares, Console.Error), Console.Error);
        });
        return command;
    }

    public static int Run(FileInfo? input, FileInfo? output, DirectoryInfo? inputDir, DirectoryInfo? outputDir, SeriesScoring scoring, bool explain,
        TextWriter errors) =>
        RunFiles(input, output, inputDir, outputDir, (from, to) => ScoreFile(from, to, scoring, explain, errors), errors);

    /// <summary>One file to one file, or a folder to a folder keeping relative paths, each scored by <paramref name="score"/>.</summary>
    private static int RunFiles(FileInfo? input, FileInfo? output, DirectoryInfo? inputDir, DirectoryInfo? outputDir,
        Func<string, string, bool> score, TextWriter errors)
    {
        if ((input is null) == (inputDir is null) || (input is null) != (output is null) || (inputDir is null) != (outputDir is null))
        {
            errors.WriteLine("Give either --input FILE --output FILE, or --input-dir DIR --output-dir DIR.");
            return 2;
        }

        if (input is not null)
        {
            return score(input.FullName, output!.FullName) ? 0 : 2;
        }

        if (!inputDir!.Exists)
        {
            errors.WriteLine($"{inputDir.FullName}: no such folder");
            return 2;
        }

        var failed = 0;
        var files = Directory.EnumerateFiles(inputDir.FullName, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var target = Path.Combine(outputDir!.FullName, Path.GetRelativePath(inputDir.FullName, file));
            failed += score(file, target) ? 0 : 1;
        }

        errors.WriteLine($"{files.Count - failed} of {files.Count} files scored into {outputDir!.FullName}");
        return failed == 0 ? 0 : 2;
    }

    /// <summary>Which univariate detector scores the series (default: resonance, ARTime's method).</summary>
    public static Option<SeriesDetectorKind> DetectorOption() => new("--detector")
    {
        Description = "resonance (ARTime's method, the default), ensemble (the five-part streaming ensemble) or contextual (CAD OSE's method)",
        DefaultValueFactory = _ => SeriesDetectorKind.Resonance,
    };

    /// <summary>The ensemble's sensitivity, 0–1 (default 0.5, the NAB-measured setting).</summary>
    public static Option<double> SensitivityOption() => new("--sensitivity")
    {
        Description = "With --detector ensemble: 0 (only the strongest evidence alarms) to 1 (alarm early)",
        DefaultValueFactory = _ => DetectorSettings.Default.Sensitivity,
        Validators = { result => { if (result.GetValueOrDefault<double>() is < 0 or > 1) { result.AddError("--sensitivity must be between 0 and 1"); } } },
    };

    /// <summary>Scores one file; on bad input names the line and writes nothing.</summary>
    private static bool ScoreFile(string inputPath, string outputPath, SeriesScoring scoring, bool explain, TextWriter errors)
    {
        if (!File.Exists(inputPath))
        {
            errors.WriteLine($"{inputPath}: no such file");
            return false;
        }

        var rows = new List<(string Timestamp, string Value, long Micros, double Number)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(inputPath))
        {
            lineNumber++;
            if (lineNumber == 1 || line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length < 2 || !TryParseTime(fields[0], out var micros)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                errors.WriteLine($"{inputPath}:{lineNumber}: expected 'timestamp,value', got '{Truncate(line)}'");
                return false;
            }

            rows.Add((fields[0], fields[1], micros, number));
        }

        // The file's length and range are what NAB tells a detector before its first row (the probationary period and
        // the input's minimum and maximum), not its future.
        var warmUp = scoring.Probation ?? DetectorSettings.ProbationOf(rows.Count);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var writer = new StreamWriter(outputPath);
        if (!explain)
        {
            var scores = NabDetection.Score(scoring.Detector, [.. rows.Select(r => r.Micros)], [.. rows.Select(r => r.Number)], warmUp, scoring.Settings,
                scoring.Range);
            writer.WriteLine("timestamp,value,anomaly_score");
            for (var i = 0; i < rows.Count; i++)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows[i].Timestamp},{rows[i].Value},{scores[i]:0.##########}"));
            }

            return true;
        }

        var detector = new StreamingAnomalyDetector(scoring.Settings with { WarmUp = warmUp });
        writer.WriteLine("timestamp,value,anomaly_score," + string.Join(',', StreamingAnomalyDetector.PartNames));
        foreach (var row in rows)
        {
            var score = detector.Update(row.Micros, row.Number).Score;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{row.Timestamp},{row.Value},{score:0.##########}"));
            foreach (var part in detector.PartScores)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $",{part:0.####}"));
            }

            writer.WriteLine();
        }

        return true;
    }

    /// <summary>NAB's <c>YYYY-MM-DD HH:MM:SS</c> (read as UTC) or any ISO 8601 timestamp.</summary>
    private static bool TryParseTime(string text, out long micros)
    {
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            micros = NabDetection.ToMicros(time);
            return true;
        }

        micros = 0;
        return false;
    }

    private static string Truncate(string line) => line.Length <= 80 ? line : line[..80] + "…";
}

/// <summary>How `smx detect` scores a file: the detector, the ensemble's settings, and what the detector is told (warm-up, range) when not the file's own.</summary>
public sealed record SeriesScoring(SeriesDetectorKind Detector, DetectorSettings Settings, int? Probation = null, (double Low, double High)? Range = null);
