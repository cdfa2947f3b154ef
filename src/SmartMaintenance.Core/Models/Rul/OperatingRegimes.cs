using System.Text.Json.Serialization;

namespace SmartMaintenance.Models.Rul;

/// <summary>
/// The operating conditions an engine flies in (altitude, Mach number, throttle) and each sensor's level in each of
/// them. FD002 and FD004 mix six conditions whose sensor levels differ far more than wear moves them; a sensor read
/// as standard deviations from its condition's mean shows the wear alone.
/// </summary>
public sealed record OperatingRegimes(double[][] Centroids, double[][] Mean, double[][] Deviation)
{
    // The settings' resolution: conditions closer than this on every setting are one (altitude in thousands of
    // feet, Mach number, throttle resolver angle). C-MAPSS's six conditions lie far apart on these scales, and
    // the noise on one condition's settings stays well inside them.
    private static readonly double[] Tolerance = [2.0, 0.04, 10.0];

    [JsonIgnore]
    public int Count => Centroids.Length;

    public static OperatingRegimes Fit(IReadOnlyList<CmapssUnit> units)
    {
        var centroids = new List<double[]>();
        var members = new List<List<CmapssCycle>>();
        foreach (var cycle in units.SelectMany(u => u.Cycles))
        {
            var index = centroids.FindIndex(c => Within(c, cycle.Settings));
            if (index < 0)
            {
                centroids.Add([.. cycle.Settings]);
                members.Add([]);
                index = centroids.Count - 1;
            }

            members[index].Add(cycle);
        }

        var mean = new double[centroids.Count][];
        var deviation = new double[centroids.Count][];
        for (var r = 0; r < centroids.Count; r++)
        {
            var cycles = members[r];
            centroids[r] = [.. Enumerable.Range(0, CmapssData.SettingCount).Select(s => cycles.Average(c => c.Settings[s]))];
            mean[r] = [.. Enumerable.Range(0, CmapssData.SensorCount).Select(s => cycles.Average(c => c.Sensors[s]))];
            deviation[r] = [.. Enumerable.Range(0, CmapssData.SensorCount).Select(s =>
                Math.Sqrt(cycles.Sum(c => Math.Pow(c.Sensors[s] - mean[r][s], 2)) / Math.Max(1, cycles.Count - 1)))];
        }

        return new OperatingRegimes([.. centroids], mean, deviation);
    }

    /// <summary>Throws unless there is at least one condition and every array has the shape C-MAPSS gives it.</summary>
    public void Check()
    {
        if (Centroids is not { Length: > 0 } || Mean?.Length != Centroids.Length || Deviation?.Length != Centroids.Length
            || Centroids.Any(c => c?.Length != CmapssData.SettingCount)
            || Mean.Concat(Deviation).Any(m => m?.Length != CmapssData.SensorCount || m.Any(v => !double.IsFinite(v))))
        {
            throw new InvalidDataException("The operating conditions are missing or not of C-MAPSS's shape.");
        }
    }

    /// <summary>The condition nearest to these settings, on the settings' resolution scale.</summary>
    public int Of(ReadOnlySpan<double> settings)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var r = 0; r < Centroids.Length; r++)
        {
            var distance = 0.0;
            for (var s = 0; s < Tolerance.Length; s++)
            {
                distance += Math.Pow((settings[s] - Centroids[r][s]) / Tolerance[s], 2);
            }

            if (distance < bestDistance)
            {
                (best, bestDistance) = (r, distance);
            }
        }

        return best;
    }

    /// <summary>Sensors that vary within some condition; the others carry no information.</summary>
    public int[] VaryingSensors() =>
        [.. Enumerable.Range(0, CmapssData.SensorCount).Where(s => Deviation.Any(d => d[s] > 1e-9))];

    /// <summary>The sensor in standard deviations from its condition's mean (0 where it never varies there).</summary>
    public double Normalise(int regime, int sensor, double value)
    {
        var deviation = Deviation[regime][sensor];
        return deviation > 1e-9 ? (value - Mean[regime][sensor]) / deviation : 0;
    }

    private static bool Within(double[] centroid, double[] settings)
    {
        for (var s = 0; s < Tolerance.Length; s++)
        {
            if (Math.Abs(settings[s] - centroid[s]) > Tolerance[s])
            {
                return false;
            }
        }

        return true;
    }
}
