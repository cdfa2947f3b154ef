using System.Globalization;

using SmartMaintenance.Detection.Multivariate;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx detect --multivariate`: a wide file (<c>timestamp,&lt;sensor_1&gt;,…,&lt;sensor_k&gt;</c>, any column names, an empty
/// cell for a missing value) scored by the asset-health detector, which learns from the first <c>--train-rows</c>
/// rows and judges each later row from them and the rows before it. Writes <c>timestamp,anomaly_score,is_anomaly</c>
/// (the training rows 0), plus each sensor's share of the departure with <c>--explain</c>.
/// </summary>
internal static class MultivariateDetect
{
    public static bool ScoreFile(string inputPath, string outputPath, int trainRows, bool explain, TextWriter errors)
    {
        if (!File.Exists(inputPath))
        {
            errors.WriteLine($"{inputPath}: no such file");
            return false;
        }

        using var lines = File.ReadLines(inputPath).GetEnumerator();
        if (!lines.MoveNext() || lines.Current.Split(',') is not { Length: >= 2 } header)
        {
            errors.WriteLine($"{inputPath}:1: expected a header 'timestamp,<sensor>,…' with at least one sensor column");
            return false;
        }

        var sensors = header.Length - 1;
        var timestamps = new List<string>();
        var rows = new List<double[]>();
        for (var lineNumber = 2; lines.MoveNext(); lineNumber++)
        {
            if (lines.Current.Length == 0)
            {
                continue;
            }

            if (!TryParseRow(lines.Current, sensors, out var timestamp, out var values, out var problem))
            {
                errors.WriteLine($"{inputPath}:{lineNumber}: {problem}");
                return false;
            }

            timestamps.Add(timestamp);
            rows.Add(values);
        }

        var detector = new AssetHealthDetector(sensors, trainRows);
        var shares = new double[sensors];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var writer = new StreamWriter(outputPath);
        writer.WriteLine(explain ? "timestamp,anomaly_score,is_anomaly," + string.Join(',', header.Skip(1)) : "timestamp,anomaly_score,is_anomaly");
        for (var r = 0; r < rows.Count; r++)
        {
            var verdict = detector.Update(rows[r]);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{timestamps[r]},{verdict.Score:0.######},{(verdict.Abnormal ? 1 : 0)}"));
            if (explain)
            {
                if (verdict.Judged)
                {
                    detector.Contributions(shares);
                }

                foreach (var share in shares)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $",{share:0.####}"));
                }
            }

            writer.WriteLine();
        }

        return true;
    }

    private static bool TryParseRow(string line, int sensors, out string timestamp, out double[] values, out string problem)
    {
        var fields = line.Split(',');
        timestamp = fields[0];
        values = new double[sensors];
        problem = "";
        if (fields.Length != sensors + 1)
        {
            problem = $"expected {sensors + 1} fields (timestamp and {sensors} sensors), got {fields.Length}";
            return false;
        }

        for (var s = 0; s < sensors; s++)
        {
            var text = fields[s + 1].Trim();
            if (text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                values[s] = double.NaN;
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[s]) || !double.IsFinite(values[s]))
            {
                problem = $"column {s + 2}: '{(text.Length <= 40 ? text : text[..40] + "…")}' is not a finite number";
                return false;
            }
        }

        return true;
    }
}
