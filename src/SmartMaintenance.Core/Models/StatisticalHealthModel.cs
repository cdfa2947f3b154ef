using SmartMaintenance.Domain;

namespace SmartMaintenance.Models;

/// <summary>
/// What one sensor says about its asset's health right now: <c>DriftZ</c> is how far the last ten minutes lie from the
/// past week's hourly means (in their standard deviations), <c>SlopePerHour</c> the least-squares trend of the last
/// six hours' minute means.
/// </summary>
public sealed record SensorHealth(
    string SensorId, double? Current, double? DriftZ, double? SlopePerHour, double? ExpectedMin, double? ExpectedMax)
{
    /// <summary>
    /// The mean absolute change between consecutive minute means over the last hour: how rough the signal runs,
    /// blind to slow trends and the daily cycle (worn bearings and loose parts roughen a signal before they shift it).
    /// </summary>
    public double? Roughness { get; init; }

    /// <summary>Time until the trend reaches the expected range's limit it heads for; zero when already beyond it.</summary>
    public TimeSpan? TimeToLimit()
    {
        if (Current is not { } current || SlopePerHour is not { } slope)
        {
            return null;
        }

        if ((ExpectedMax is { } max && current >= max) || (ExpectedMin is { } min && current <= min))
        {
            return TimeSpan.Zero;
        }

        double? hours = slope switch
        {
            > 0 when ExpectedMax is { } upper => (upper - current) / slope,
            < 0 when ExpectedMin is { } lower => (current - lower) / -slope,
            _ => null,
        };
        return hours is { } h && h < 24 * 365 ? TimeSpan.FromHours(h) : null;
    }
}

/// <summary>The asset's evidence: its sensors' health and its recent validated anomalies.</summary>
public sealed record AssetHealthInputs(IReadOnlyList<SensorHealth> Sensors, int ValidatedAnomalies24h, AnomalySeverity? WorstSeverity24h);

/// <summary>Failure probability, remaining useful life, and each feature's contribution to the log-odds.</summary>
public sealed record HealthAssessment(double FailureProbability, TimeSpan? RemainingUsefulLife, IReadOnlyDictionary<string, double> Explanation);

/// <summary>
/// The documented fallback used while the registry has no production model: a logistic score over drift, recent
/// validated anomalies, their worst severity and the time until a trend leaves the expected range. RUL is that
/// time. Its weights are set by hand, not trained; predictions made with it say so (<c>is_fallback</c>).
/// </summary>
public static class StatisticalHealthModel
{
    public const string Name = "statistical-fallback";
    public const string Version = "1";
    /// <summary>The log-odds before any evidence: a failure probability of about 5 %.</summary>
    public const double Intercept = -3;

    public static HealthAssessment Assess(AssetHealthInputs inputs)
    {
        var explanation = new Dictionary<string, double>(StringComparer.Ordinal);
        if (inputs.Sensors.Where(s => s.DriftZ is not null).MaxBy(s => Math.Abs(s.DriftZ!.Value)) is { } drifting)
        {
            explanation[$"drift:{drifting.SensorId}"] = 0.5 * Math.Min(Math.Abs(drifting.DriftZ!.Value), 6);
        }

        explanation["validated_anomalies_24h"] = 0.6 * Math.Min(inputs.ValidatedAnomalies24h, 5);
        explanation["worst_severity_24h"] = inputs.WorstSeverity24h switch
        {
            AnomalySeverity.Critical => 2.0,
            AnomalySeverity.High => 1.2,
            AnomalySeverity.Medium => 0.6,
            AnomalySeverity.Low => 0.2,
            _ => 0,
        };

        var rul = inputs.Sensors.Select(s => s.TimeToLimit()).Where(t => t is not null).Min();
        explanation["time_to_limit"] = rul?.TotalHours switch
        {
            < 24 => 2.0,
            < 72 => 1.0,
            < 168 => 0.4,
            _ => 0,
        };

        var logit = Intercept + explanation.Values.Sum();
        return new HealthAssessment(1 / (1 + Math.Exp(-logit)), rul, explanation);
    }

    /// <summary>Features of one sensor from its roll-ups: minute buckets of the last hours, hour buckets of the past week.</summary>
    public static SensorHealth Describe(Sensor sensor, IReadOnlyList<RollupPoint> minutes, IReadOnlyList<RollupPoint> hours)
    {
        if (minutes.Count == 0)
        {
            return new SensorHealth(sensor.SensorId, null, null, null, sensor.ExpectedMin, sensor.ExpectedMax);
        }

        var recent = minutes.Skip(Math.Max(0, minutes.Count - 10)).ToList();
        var current = recent.Sum(p => p.Mean * p.Count) / recent.Sum(p => p.Count);
        var lastHourStart = minutes[^1].BucketStartMicros - UnixMicros.PerHour;
        var baseline = hours.Where(h => h.BucketStartMicros < lastHourStart).Select(h => h.Mean).ToList();
        double? drift = null;
        if (baseline.Count >= 3)
        {
            var mean = baseline.Average();
            var sd = Math.Sqrt(baseline.Sum(v => (v - mean) * (v - mean)) / (baseline.Count - 1));
            drift = (current - mean) / Math.Max(sd, 1e-9 * (Math.Abs(mean) + 1));
        }

        return new SensorHealth(sensor.SensorId, current, drift, Slope(minutes), sensor.ExpectedMin, sensor.ExpectedMax)
        {
            Roughness = Roughness(minutes),
        };
    }

    private static double? Roughness(IReadOnlyList<RollupPoint> minutes)
    {
        var from = minutes[^1].BucketStartMicros - UnixMicros.PerHour;
        double sum = 0;
        var steps = 0;
        for (var i = minutes.Count - 1; i > 0 && minutes[i - 1].BucketStartMicros >= from; i--)
        {
            sum += Math.Abs(minutes[i].Mean - minutes[i - 1].Mean);
            steps++;
        }

        return steps < 10 ? null : sum / steps;
    }

    private static double? Slope(IReadOnlyList<RollupPoint> minutes)
    {
        if (minutes.Count < 10)
        {
            return null;
        }

        var x0 = minutes[0].BucketStartMicros;
        double n = minutes.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var p in minutes)
        {
            var x = (p.BucketStartMicros - x0) / (double)UnixMicros.PerHour;
            sx += x;
            sy += p.Mean;
            sxx += x * x;
            sxy += x * p.Mean;
        }

        var denominator = (n * sxx) - (sx * sx);
        return denominator == 0 ? null : ((n * sxy) - (sx * sy)) / denominator;
    }
}
