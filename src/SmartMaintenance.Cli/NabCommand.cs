using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx nab score --results DIR --labels combined_windows.json`: the three NAB profile scores of a detector's output
/// files (<c>timestamp,value,anomaly_score</c> under <c>CATEGORY/NAME.csv</c>, or NAB's published
/// <c>CATEGORY/DETECTOR_NAME.csv</c>), and a per-file table written to <c>--table</c> (default <c>DIR/nab_scores.csv</c>).
/// </summary>
internal static class NabCommand
{
    public const string TableName = "nab_scores.csv";

    public static Command Create()
    {
        var results = new Option<DirectoryInfo>("--results") { Description = "Folder of the detector's output files", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "NAB's combined_windows.json", Required = true };
        var table = new Option<FileInfo?>("--table") { Description = $"Where to write the per-file table (default: RESULTS/{TableName})" };
        var score = new Command("score", "Score a detector's outputs with NAB's three profiles") { results, labels, table };
        score.SetAction(parse => Score(parse.GetValue(results)!, parse.GetValue(labels)!, parse.GetValue(table), Console.Out, Console.Error));
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB's data folder (CATEGORY/NAME.csv)", Required = true };
        var evaluateLabels = new Option<FileInfo>("--labels") { Description = "NAB's combined_windows.json", Required = true };
        var evaluateTable = new Option<FileInfo?>("--table") { Description = $"Where to write the per-file table (default: TEMP/{TableName})" };
        var sensitivity = DetectCommand.SensitivityOption();
        var detector = DetectCommand.DetectorOption();
        var protocol = new Option<bool>("--protocol")
        {
            Description = "Run the generalisation protocol (folds, robustness variants, synthetic troubles) and print its table",
        };
        var evaluate = new Command("evaluate", "Run a detector over NAB's series and score it")
        {
            data, evaluateLabels, evaluateTable, detector, sensitivity, protocol,
        };
        evaluate.SetAction(parse => Evaluate(parse.GetValue(data)!, parse.GetValue(evaluateLabels)!, parse.GetValue(evaluateTable),
            parse.GetValue(detector), new DetectorSettings(parse.GetValue(sensitivity)), parse.GetValue(protocol), Console.Out, Console.Error));
        return new Command("nab", "The Numenta Anomaly Benchmark") { score, evaluate };
    }

    public static int Score(DirectoryInfo results, FileInfo labels, FileInfo? tableFile, TextWriter output, TextWriter errors)
    {
        if (!results.Exists || !labels.Exists)
        {
            errors.WriteLine(!results.Exists ? $"{results.FullName}: no such folder" : $"{labels.FullName}: no such file");
            return 2;
        }

        var corpus = new List<NabSeries>();
        var scores = new List<IReadOnlyList<double>>();
        foreach (var (name, windows) in NabCorpus.ReadWindows(labels.FullName).OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            if (FindOutput(results, name) is not { } file)
            {
                errors.WriteLine($"{name}: no output file under {results.FullName}");
                return 2;
            }

            try
            {
                corpus.Add(NabCorpus.ReadSeries(file, name, windows));
                scores.Add(ReadScores(file));
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or IndexOutOfRangeException)
            {
                errors.WriteLine($"{file}: {ex.Message}");
                return 2;
            }
        }

        Report(corpus, scores, tableFile?.FullName ?? Path.Combine(results.FullName, TableName), output);
        return 0;
    }

    /// <summary>Runs a detector over every series of the corpus in memory and scores it.</summary>
    public static int Evaluate(DirectoryInfo data, FileInfo labels, FileInfo? tableFile, SeriesDetectorKind kind, DetectorSettings settings,
        bool protocol, TextWriter output, TextWriter errors)
    {
        if (!data.Exists || !labels.Exists)
        {
            errors.WriteLine(!data.Exists ? $"{data.FullName}: no such folder" : $"{labels.FullName}: no such file");
            return 2;
        }

        IReadOnlyList<NabSeries> corpus;
        try
        {
            corpus = NabCorpus.Load(data.FullName, labels.FullName);
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or IndexOutOfRangeException)
        {
            errors.WriteLine(ex.Message);
            return 2;
        }

        if (protocol)
        {
            ProtocolTable.Write(NabProtocol.Run(corpus, series => NabDetection.Run(series, kind, settings)), output);
            return 0;
        }

        var scores = corpus.Select(s => (IReadOnlyList<double>)NabDetection.Run(s, kind, settings)).ToList();
        Report(corpus, scores, tableFile?.FullName ?? Path.Combine(Path.GetTempPath(), TableName), output);
        return 0;
    }

    /// <summary>Prints the three profile scores and each category's share (at the corpus threshold), and writes the per-file table.</summary>
    private static void Report(IReadOnlyList<NabSeries> corpus, List<IReadOnlyList<double>> scores, string tablePath, TextWriter output)
    {
        var profiles = NabProfile.All.Select(p => NabScorer.Score(corpus, scores, p)).ToList();
        foreach (var result in profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Profile.Name,-20} {result.Normalized,7:0.00}   (threshold {result.Threshold:0.######}, raw {result.Raw:0.###}, {result.Windows} windows)"));
        }

        var raws = corpus.Select((series, f) => profiles.Select(p => NabScorer.FileRaw(series, scores[f], p.Profile, p.Threshold)).ToArray()).ToList();
        foreach (var category in corpus.Select((s, f) => (Category: Path.GetDirectoryName(s.Name) ?? "", File: f)).GroupBy(c => c.Category))
        {
            var windows = category.Sum(c => corpus[c.File].Windows.Count);
            var parts = profiles.Select((p, k) =>
            {
                var raw = category.Sum(c => raws[c.File][k]);
                return windows == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{p.Profile.Name} raw {raw:0.###}")
                    : string.Create(CultureInfo.InvariantCulture, $"{p.Profile.Name} {NabScorer.Normalize(raw, windows, p.Profile):0.00}");
            });
            output.WriteLine($"  {category.Key,-24} {string.Join("   ", parts)}");
        }

        using var table = new StreamWriter(tablePath);
        table.WriteLine("file,rows,windows," + string.Join(',', profiles.Select(p => $"{p.Profile.Name}_raw")));
        for (var f = 0; f < corpus.Count; f++)
        {
            var series = corpus[f];
            table.WriteLine($"{series.Name},{series.Timestamps.Count},{series.Windows.Count},"
                + string.Join(',', raws[f].Select(r => r.ToString("0.####", CultureInfo.InvariantCulture))));
        }

        output.WriteLine($"per-file table: {tablePath}");
    }

    private static string? FindOutput(DirectoryInfo results, string name)
    {
        var direct = Path.Combine(results.FullName, name);
        if (File.Exists(direct))
        {
            return direct;
        }

        var folder = Path.Combine(results.FullName, Path.GetDirectoryName(name)!);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*_" + Path.GetFileName(name)).FirstOrDefault() : null;
    }

    private static List<double> ReadScores(string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).ToList();
        var column = Array.IndexOf(lines[0].Split(','), "anomaly_score");
        if (column < 0)
        {
            throw new InvalidDataException("the header has no anomaly_score column");
        }

        return [.. lines.Skip(1).Select(l => double.Parse(l.Split(',')[column], CultureInfo.InvariantCulture))];
    }
}
