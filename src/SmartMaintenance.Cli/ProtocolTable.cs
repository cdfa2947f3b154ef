using System.Globalization;

using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Cli;

/// <summary>Prints the generalisation protocol's lines as one table, each with its distance from the full-data score, and the spread.</summary>
internal static class ProtocolTable
{
    public static void Write(IReadOnlyList<ProtocolLine> lines, TextWriter output)
    {
        var full = lines[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"part of the protocol",-26} {"set",-52} {"series",6} {"windows",7} {"standard",8} {"low_FP",7} {"low_FN",7} {"Δ std",6}"));
        foreach (var line in lines)
        {
            var scores = line.Windows == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{"raw FP cost " + (line.RawFalsePositives + 0.0)?.ToString("0.###;-0.###;0", CultureInfo.InvariantCulture),24}")
                : string.Create(CultureInfo.InvariantCulture, $"{line.Standard,8:0.00} {line.LowFalsePositives,7:0.00} {line.LowFalseNegatives,7:0.00}");
            var delta = line.Windows == 0 || ReferenceEquals(line, full) ? "" : (line.Standard - full.Standard).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line.Group,-26} {line.Name,-52} {line.Series,6} {line.Windows,7} {scores} {delta,6}"));
        }

        // The spread the acceptance rule reads: the held-out folds together and every variant, against the full data.
        var judged = lines.Where(l => l.Windows > 0 && (l.Group == "variant" || l.Name.StartsWith("all ", StringComparison.Ordinal)) && !ReferenceEquals(l, full)).ToList();
        var worst = judged.MinBy(l => l.Standard)!;
        var deltas = judged.Select(l => l.Standard - full.Standard).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"spread of the standard score over the folds and variants: {deltas[0]:+0.00;-0.00;0.00} to {deltas[^1]:+0.00;-0.00;0.00} (median {deltas[deltas.Count / 2]:+0.00;-0.00;0.00}); worst: {worst.Name} {worst.Standard:0.00}"));
        var synthetic = lines.Where(l => l.Group == "synthetic").ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"synthetic troubles: standard {synthetic.Min(l => l.Standard):0.00} to {synthetic.Max(l => l.Standard):0.00} over the three steps"));
    }
}
