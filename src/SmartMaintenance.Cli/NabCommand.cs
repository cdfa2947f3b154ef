using System.CommandLine;
using System.Globalization;

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
        return new Command("nab", "The Numenta Anomaly Benchmark") { score };
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

        var profiles = NabProfile.All.Select(p => NabScorer.Score(corpus, scores, p)).ToList();
        foreach (var result in profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Profile.Name,-20} {result.Normalized,7:0.00}   (threshold {result.Threshold:0.######}, raw {result.Raw:0.###}, {result.Windows} windows)"));
        }

        var tablePath = tableFile?.FullName ?? Path.Combine(results.FullName, TableName);
        using var table = new StreamWriter(tablePath);
        table.WriteLine("file,rows,windows," + string.Join(',', profiles.Select(p => $"{p.Profile.Name}_raw")));
        for (var f = 0; f < corpus.Count; f++)
        {
            var series = corpus[f];
            var raws = profiles.Select(p => NabScorer.FileRaw(series, scores[f], p.Profile, p.Threshold).ToString("0.####", CultureInfo.InvariantCulture));
            table.WriteLine($"{series.Name},{series.Timestamps.Count},{series.Windows.Count},{string.Join(',', raws)}");
        }

        output.WriteLine($"per-file table: {tablePath}");
        return 0;
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
