namespace SmartMaintenance.Detection.Multivariate;

/// <summary>
/// Finds an asset's operating modes in its training rows — clusters of its standardised sensor values (k-means with a
/// seeded k-means++ start) — so a machine that runs in several regimes is judged against the regime it is in, not
/// against the spread of all of them. Of two to six modes, the clustering with the best mean silhouette is taken when
/// that silhouette shows strong structure and every mode keeps enough rows for a model of its own; otherwise the
/// machine keeps one model.
/// </summary>
internal static class OperatingModes
{
    private const int MaxModes = 6;
    // Kaufman and Rousseeuw's "strong structure": a mean silhouette above 0.7. A machine whose load merely wanders
    // (one mode, however curved) stays below it; distinct regimes stand well above it.
    private const double StrongStructure = 0.7;
    private const int SilhouetteSample = 1000;
    private const int Iterations = 25;

    /// <summary>The modes' centres (in standardised sensor values) and each mode's training rows; one centre means one mode.</summary>
    public static (double[][] Centres, List<int>[] Members) Find(double[][] features, int sensors)
    {
        var minimumRows = Math.Max(50, 5 * 2 * sensors);
        var single = Cluster(features, sensors, 1);
        var (best, bestSilhouette) = (single, StrongStructure);
        for (var k = 2; k <= MaxModes; k++)
        {
            var candidate = Cluster(features, sensors, k);
            if (candidate.Members.Any(m => m.Count < minimumRows))
            {
                break;
            }

            var silhouette = Silhouette(features, sensors, candidate.Members);
            if (silhouette > bestSilhouette)
            {
                (best, bestSilhouette) = (candidate, silhouette);
            }
        }

        return (best.Centres, best.Members);
    }

    public static int Nearest(double[][] centres, ReadOnlySpan<double> z)
    {
        var (nearest, distance) = (0, double.PositiveInfinity);
        for (var c = 0; c < centres.Length; c++)
        {
            var d = 0.0;
            for (var s = 0; s < z.Length; s++)
            {
                d += (z[s] - centres[c][s]) * (z[s] - centres[c][s]);
            }

            (nearest, distance) = d < distance ? (c, d) : (nearest, distance);
        }

        return nearest;
    }

    private static (double[][] Centres, List<int>[] Members, double Spread) Cluster(double[][] features, int sensors, int k)
    {
        var random = new Random(k);
        var centres = new List<double[]> { features[random.Next(features.Length)][..sensors] };
        while (centres.Count < k)
        {
            // k-means++: the next centre drawn with probability proportional to the squared distance from the nearest one.
            var chosen = centres.ToArray();
            var weights = features.Select(f => Distance(f, chosen[Nearest(chosen, f.AsSpan(0, sensors))], sensors)).ToArray();
            var pick = random.NextDouble() * weights.Sum();
            var row = 0;
            for (; row < weights.Length - 1 && (pick -= weights[row]) > 0; row++)
            {
            }

            centres.Add(features[row][..sensors]);
        }

        var members = new List<int>[k];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            for (var c = 0; c < k; c++)
            {
                members[c] = [];
            }

            var current = centres.ToArray();
            for (var r = 0; r < features.Length; r++)
            {
                members[Nearest(current, features[r].AsSpan(0, sensors))].Add(r);
            }

            for (var c = 0; c < k; c++)
            {
                if (members[c].Count > 0)
                {
                    centres[c] = [.. Enumerable.Range(0, sensors).Select(s => members[c].Average(r => features[r][s]))];
                }
            }
        }

        var spread = members.Select((m, c) => m.Sum(r => Distance(features[r], centres[c], sensors))).Sum();
        return ([.. centres], members, spread);
    }

    /// <summary>The mean silhouette of a clustering, over an evenly spaced sample of at most <see cref="SilhouetteSample"/> rows.</summary>
    private static double Silhouette(double[][] features, int sensors, List<int>[] members)
    {
        var clusterOf = new int[features.Length];
        for (var c = 0; c < members.Length; c++)
        {
            members[c].ForEach(r => clusterOf[r] = c);
        }

        var step = Math.Max(1, features.Length / SilhouetteSample);
        var sample = Enumerable.Range(0, features.Length).Where(r => r % step == 0).ToArray();
        var total = 0.0;
        var sums = new double[members.Length];
        var counts = new int[members.Length];
        foreach (var r in sample)
        {
            Array.Clear(sums);
            Array.Clear(counts);
            foreach (var o in sample)
            {
                if (o != r)
                {
                    sums[clusterOf[o]] += Math.Sqrt(Distance(features[r], features[o], sensors));
                    counts[clusterOf[o]]++;
                }
            }

            var own = counts[clusterOf[r]] == 0 ? 0 : sums[clusterOf[r]] / counts[clusterOf[r]];
            var other = Enumerable.Range(0, members.Length).Where(c => c != clusterOf[r] && counts[c] > 0).Select(c => sums[c] / counts[c])
                .DefaultIfEmpty(0).Min();
            total += Math.Max(own, other) == 0 ? 0 : (other - own) / Math.Max(own, other);
        }

        return total / sample.Length;
    }

    private static double Distance(double[] features, double[] centre, int sensors)
    {
        var d = 0.0;
        for (var s = 0; s < sensors; s++)
        {
            d += (features[s] - centre[s]) * (features[s] - centre[s]);
        }

        return d;
    }
}
