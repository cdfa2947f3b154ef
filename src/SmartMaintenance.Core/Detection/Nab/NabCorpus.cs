using System.Globalization;
using System.Text.Json;

namespace SmartMaintenance.Detection.Nab;

/// <summary>One NAB series: its rows' timestamps and values, and its labelled anomaly windows as row ranges.</summary>
public sealed record NabSeries(string Name, IReadOnlyList<DateTime> Timestamps, IReadOnlyList<double> Values, IReadOnlyList<(int First, int Last)> Windows)
{
    /// <summary>Rows at the start that only teach: min(⌊15 % of the rows⌋, 750).</summary>
    public int ProbationaryRows => Ensemble.DetectorSettings.ProbationOf(Timestamps.Count);
}

/// <summary>Reads NAB's data files (<c>timestamp,value</c>) and its <c>combined_windows.json</c>.</summary>
public static class NabCorpus
{
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Every series named in the windows file, by its relative path (<c>CATEGORY/NAME.csv</c>).</summary>
    public static IReadOnlyList<NabSeries> Load(string dataDirectory, string windowsFile)
    {
        var windows = ReadWindows(windowsFile);
        return [.. windows.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => ReadSeries(Path.Combine(dataDirectory, w.Key), w.Key, w.Value))];
    }

    public static Dictionary<string, List<(DateTime Start, DateTime End)>> ReadWindows(string windowsFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(windowsFile));
        var windows = new Dictionary<string, List<(DateTime, DateTime)>>(StringComparer.Ordinal);
        foreach (var file in json.RootElement.EnumerateObject())
        {
            windows[file.Name] = [.. file.Value.EnumerateArray().Select(w => (ParseTime(w[0].GetString()!), ParseTime(w[1].GetString()!)))];
        }

        return windows;
    }

    /// <summary>Reads a CSV whose first two columns are timestamp and value (other columns are ignored).</summary>
    public static NabSeries ReadSeries(string path, string name, IReadOnlyList<(DateTime Start, DateTime End)> windows)
    {
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            timestamps.Add(ParseTime(fields[0]));
            values.Add(double.Parse(fields[1], CultureInfo.InvariantCulture));
        }

        var rows = new Dictionary<DateTime, int>(timestamps.Count);
        for (var i = 0; i < timestamps.Count; i++)
        {
            rows.TryAdd(timestamps[i], i);
        }

        var ranges = windows.Select(w => (rows.TryGetValue(w.Start, out var first) && rows.TryGetValue(w.End, out var last)
            ? (first, last)
            : throw new InvalidDataException($"A window of {name} ({w.Start:u} – {w.End:u}) does not start and end on rows of the file."))).ToList();
        return new NabSeries(name, timestamps, values, ranges);
    }

    /// <summary>NAB timestamps, with or without a fractional part (windows carry <c>.000000</c>).</summary>
    public static DateTime ParseTime(string text) =>
        DateTime.ParseExact(text.Length > TimestampFormat.Length ? text[..TimestampFormat.Length] : text, TimestampFormat, CultureInfo.InvariantCulture);
}
