using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx detect`: runs the platform's streaming detector over NAB-format files (<c>timestamp,value</c>) and writes
/// <c>timestamp,value,anomaly_score</c>, one row per input row, each score from that row and the earlier ones only.
/// The detector learns for the file's probationary period first (<c>--probation</c>, by default NAB's 15 % of the rows,
/// at most 750).
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
        var explain = new Option<bool>("--explain") { Description = "Add a column per part of the ensemble after anomaly_score" };
        var probation = new Option<int?>("--probation")
        {
            Description = "Rows the detector learns from before judging (default: as NAB gives a file, 15 % of its rows, at most 750)",
            Validators = { result => { if (result.GetValueOrDefault<int?>() is < 1) { result.AddError("--probation must be at least 1"); } } },
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
            input, output, inputDir, outputDir, sensitivity, explain, probation, multivariate, trainRows,
        };
        command.SetAction(parse =>
        {
            if (!parse.GetValue(multivariate))
            {
                return Run(parse.GetValue(input), parse.GetValue(output), parse.GetValue(inputDir), parse.GetValue(outputDir),
                    new DetectorSettings(parse.GetValue(sensitivity)), parse.GetValue(probation), parse.GetValue(explain), Console.Error);
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

    public static int Run(FileInfo? input, FileInfo? output, DirectoryInfo? inputDir, DirectoryInfo? outputDir, DetectorSettings settings,
        int? probation, bool explain, TextWriter errors) =>
        RunFiles(input, output, inputDir, outputDir, (from, to) => ScoreFile(from, to, settings, probation, explain, errors), errors);

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

    /// <summary>The detector's sensitivity, 0–1 (default 0.5, the NAB-measured setting).</summary>
    public static Option<double> SensitivityOption() => new("--sensitivity")
    {
        Description = "0 (only the strongest evidence alarms) to 1 (alarm early)",
        DefaultValueFactory = _ => DetectorSettings.Default.Sensitivity,
        Validators = { result => { if (result.GetValueOrDefault<double>() is < 0 or > 1) { result.AddError("--sensitivity must be between 0 and 1"); } } },
    };

    /// <summary>Scores one file; on bad input names the line and writes nothing.</summary>
    private static bool ScoreFile(string inputPath, string outputPath, DetectorSettings settings, int? probation, bool explain, TextWriter errors)
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

        // The file's length is what NAB tells a detector before its first row (the probationary period), not its future.
        var detector = new StreamingAnomalyDetector(settings with { WarmUp = probation ?? DetectorSettings.ProbationOf(rows.Count) });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var writer = new StreamWriter(outputPath);
        writer.WriteLine(explain ? "timestamp,value,anomaly_score," + string.Join(',', StreamingAnomalyDetector.PartNames) : "timestamp,value,anomaly_score");
        foreach (var row in rows)
        {
            var score = detector.Update(row.Micros, row.Number).Score;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{row.Timestamp},{row.Value},{score:0.##########}"));
            if (explain)
            {
                foreach (var part in detector.PartScores)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $",{part:0.####}"));
                }
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
