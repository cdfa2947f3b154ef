using System.Globalization;
using System.Text.Json.Serialization;

namespace SmartMaintenance.Models.Rul;

/// <summary>
/// What a model sees of an engine at a cycle, from that cycle and the ones before it only: its age in cycles and,
/// per varying sensor normalised to its operating condition, the last value, the means of the last 5 and
/// <see cref="LongWindow"/> cycles, the trend over the latter, and how far the recent mean has moved from the
/// engine's own first <see cref="BaselineCycles"/> cycles (engines start with different wear and build).
/// The windows are a priori: short enough for the shortest test trajectories, long enough to average the noise.
/// </summary>
public sealed record RulFeatures(OperatingRegimes Regimes, int[] Sensors)
{
    public const int ShortWindow = 5;
    public const int LongWindow = 20;
    public const int BaselineCycles = 10;
    private const int PerSensor = 5;

    public static RulFeatures Fit(IReadOnlyList<CmapssUnit> units)
    {
        var regimes = OperatingRegimes.Fit(units);
        return new RulFeatures(regimes, regimes.VaryingSensors());
    }

    [JsonIgnore]
    public int Count => 1 + (Sensors.Length * PerSensor);

    public IReadOnlyList<string> Names() =>
    [
        "cycle",
        .. Sensors.SelectMany(s => new[] { "last", $"mean{ShortWindow}", $"mean{LongWindow}", $"slope{LongWindow}", "drift" }
            .Select(kind => string.Create(CultureInfo.InvariantCulture, $"s{s + 1}_{kind}"))),
    ];

    /// <summary>One feature row per cycle of the unit, each computed from that cycle and the earlier ones.</summary>
    public float[][] Rows(CmapssUnit unit)
    {
        var n = unit.Cycles.Count;
        var z = new double[Sensors.Length][];
        for (var k = 0; k < Sensors.Length; k++)
        {
            z[k] = new double[n];
        }

        for (var t = 0; t < n; t++)
        {
            var cycle = unit.Cycles[t];
            var regime = Regimes.Of(cycle.Settings);
            for (var k = 0; k < Sensors.Length; k++)
            {
                z[k][t] = Regimes.Normalise(regime, Sensors[k], cycle.Sensors[Sensors[k]]);
            }
        }

        var rows = new float[n][];
        for (var t = 0; t < n; t++)
        {
            var row = rows[t] = new float[Count];
            row[0] = unit.Cycles[t].Cycle;
            for (var k = 0; k < Sensors.Length; k++)
            {
                var series = z[k];
                var at = 1 + (k * PerSensor);
                var recent = Mean(series, t, ShortWindow);
                row[at] = (float)series[t];
                row[at + 1] = (float)recent;
                row[at + 2] = (float)Mean(series, t, LongWindow);
                row[at + 3] = (float)Slope(series, t, LongWindow);
                row[at + 4] = (float)(recent - Mean(series, Math.Min(t, BaselineCycles - 1), BaselineCycles));
            }
        }

        return rows;
    }

    /// <summary>The features at the unit's last cycle, what a prediction for the unit uses.</summary>
    public float[] LastRow(CmapssUnit unit) => Rows(unit)[^1];

    private static double Mean(double[] series, int end, int window)
    {
        var start = Math.Max(0, end - window + 1);
        var sum = 0.0;
        for (var i = start; i <= end; i++)
        {
            sum += series[i];
        }

        return sum / (end - start + 1);
    }

    // Least-squares slope per cycle over the window ending at `end` (0 with fewer than two points).
    private static double Slope(double[] series, int end, int window)
    {
        var start = Math.Max(0, end - window + 1);
        var count = end - start + 1;
        if (count < 2)
        {
            return 0;
        }

        var meanX = (count - 1) / 2.0;
        var meanY = Mean(series, end, window);
        double covariance = 0, variance = 0;
        for (var i = 0; i < count; i++)
        {
            var dx = i - meanX;
            covariance += dx * (series[start + i] - meanY);
            variance += dx * dx;
        }

        return covariance / variance;
    }
}
