namespace SmartMaintenance.Models;

/// <summary>One feature's distribution in the training data, as its 101 percentiles (0 %, 1 %, … 100 %).</summary>
public sealed record FeatureReference(string Name, int Count, double[] Percentiles)
{
    public static IReadOnlyList<FeatureReference> Of(IReadOnlyList<string> names, IReadOnlyList<float[]> rows)
    {
        var column = new double[rows.Count];
        var references = new List<FeatureReference>(names.Count);
        for (var f = 0; f < names.Count; f++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                column[r] = rows[r][f];
            }

            Array.Sort(column);
            references.Add(new FeatureReference(names[f], rows.Count, [.. Enumerable.Range(0, 101).Select(p => Quantile(column, p / 100.0))]));
        }

        return references;
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[(int)Math.Round(q * (sorted.Length - 1))];
}

/// <summary>How far one feature's recent values have moved from its training distribution.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Psi">Population stability index over the reference's deciles: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one.</param>
/// <param name="KsStatistic">Kolmogorov–Smirnov distance between the two distributions (at the reference's percentiles).</param>
/// <param name="KsPValue">The two-sample test's asymptotic p-value for that distance.</param>
/// <param name="Drifted">Whether the shift is large enough to act on (see <see cref="FeatureDrift"/>).</param>
public sealed record FeatureDriftResult(string Feature, double Psi, double KsStatistic, double KsPValue, bool Drifted);

/// <summary>
/// Drift of a model's inputs against the training reference, per feature: PSI and the two-sample Kolmogorov–Smirnov
/// test. A feature drifts when its PSI exceeds <see cref="MajorShift"/> (the usual convention for a major shift) or
/// the KS test rejects at <see cref="KsAlpha"/> with a distance of at least <see cref="MinKsDistance"/> (large samples
/// reject trivial differences, so the distance must matter too). Thresholds are conventions, set a priori.
/// </summary>
public static class FeatureDrift
{
    public const double MajorShift = 0.25;
    public const double KsAlpha = 0.001;
    public const double MinKsDistance = 0.1;
    private const double Floor = 1e-4;

    public static IReadOnlyList<FeatureDriftResult> Compare(IReadOnlyList<FeatureReference> reference, IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("No rows to compare.", nameof(rows));
        }

        var values = new double[rows.Count];
        var results = new List<FeatureDriftResult>(reference.Count);
        for (var f = 0; f < reference.Count; f++)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                values[r] = rows[r][f];
            }

            Array.Sort(values);
            var (psi, distance) = (Psi(reference[f].Percentiles, values), KsDistance(reference[f].Percentiles, values));
            var n = (double)reference[f].Count * rows.Count / (reference[f].Count + rows.Count);
            var p = KolmogorovPValue(((Math.Sqrt(n) + 0.12 + (0.11 / Math.Sqrt(n))) * distance));
            results.Add(new FeatureDriftResult(reference[f].Name, psi, distance, p, psi > MajorShift || (p < KsAlpha && distance >= MinKsDistance)));
        }

        return results;
    }

    // Bins between the reference's deciles (duplicates merged, as a discrete feature has): expected share from the
    // reference's percentiles, actual share from the new values.
    private static double Psi(double[] percentiles, double[] sorted)
    {
        var edges = Enumerable.Range(1, 9).Select(d => percentiles[d * 10]).Distinct().ToArray();
        var psi = 0.0;
        for (var b = 0; b <= edges.Length; b++)
        {
            var expected = Share(percentiles, b == 0 ? null : edges[b - 1], b == edges.Length ? null : edges[b]);
            var actual = Share(sorted, b == 0 ? null : edges[b - 1], b == edges.Length ? null : edges[b]);
            (expected, actual) = (Math.Max(expected, Floor), Math.Max(actual, Floor));
            psi += (actual - expected) * Math.Log(actual / expected);
        }

        return psi;
    }

    // Share of sorted values in (low, high]; null is unbounded.
    private static double Share(double[] sorted, double? low, double? high)
    {
        var from = low is { } l ? CountBelow(sorted, l, inclusive: true) : 0;
        var to = high is { } h ? CountBelow(sorted, h, inclusive: true) : sorted.Length;
        return (double)(to - from) / sorted.Length;
    }

    // The largest gap between the two CDFs, read at the reference's percentiles (within 1 % of the exact statistic).
    // At a value several percentiles share (a discrete feature), the reference's CDF is the last of them; below the
    // reference's minimum it is 0.
    private static double KsDistance(double[] percentiles, double[] sorted)
    {
        var distance = (double)CountBelow(sorted, percentiles[0], inclusive: false) / sorted.Length;
        for (var k = 0; k < percentiles.Length; k++)
        {
            if (k + 1 < percentiles.Length && percentiles[k + 1] == percentiles[k])
            {
                continue;
            }

            var reference = k / 100.0;
            distance = Math.Max(distance, Math.Abs(((double)CountBelow(sorted, percentiles[k], inclusive: true) / sorted.Length) - reference));
        }

        return distance;
    }

    // How many sorted values are below `value` (or at most `value` when `inclusive`): one binary search for both bounds.
    private static int CountBelow(double[] sorted, double value, bool inclusive)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] < value || (inclusive && sorted[mid] == value))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    // Q_KS(λ) = 2 Σ (-1)^(k-1) e^(-2 k² λ²), the Kolmogorov distribution's tail.
    private static double KolmogorovPValue(double lambda)
    {
        if (lambda < 0.2)
        {
            return 1;
        }

        var sum = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2 * k * k * lambda * lambda);
            sum += (k % 2 == 1 ? 1 : -1) * term;
            if (term < 1e-12)
            {
                break;
            }
        }

        return Math.Clamp(2 * sum, 0, 1);
    }
}
