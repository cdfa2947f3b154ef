using MathNet.Numerics.LinearAlgebra;

namespace SmartMaintenance.Detection.Multivariate;

/// <summary>
/// How an asset's sensors move together when it is healthy, learned from a period known to be normal: each sensor
/// predicted from the others (<see cref="Residuals"/>: which relationship broke, in units of its usual residual), and
/// a principal-component model of the same rows whose Hotelling's T² says how far the readings lie from the usual
/// operating points even where every relationship holds (all sensors drifting together, as a wearing engine's do).
/// </summary>
/// <remarks>
/// Each row becomes its sensors standardised and their squares, so relationships that curve (pressure with the square
/// of flow, vibration with the square of speed) are still straight lines to both models. Sensors constant during
/// training carry no relationship and are left out (their <see cref="SensorScales"/> are 0).
/// Components are kept until they explain 90 % of the variance, at least one and, where there are two or more active
/// sensors, one fewer than them. The T² limit is the 99.9th percentile of T² on the training rows themselves: empirical,
/// because plant data are autocorrelated and rarely Gaussian, where the textbook χ² limits are too tight.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record AssetHealthModel(
    [property: Id(0)] double[] Means,
    [property: Id(1)] double[] Scales,
    [property: Id(2)] int Components,
    [property: Id(3)] double[] Loadings,
    [property: Id(4)] double[] Eigenvalues,
    [property: Id(5)] double T2Limit,
    [property: Id(7)] int TrainingRows,
    [property: Id(8)] double[] SensorMeans,
    [property: Id(9)] double[] SensorScales,
    [property: Id(10)] double[][]? ModeCentres = null,
    [property: Id(11)] AssetHealthModel[]? Modes = null,
    [property: Id(12)] SensorResiduals? Residuals = null)
{
    private const double ExplainedVariance = 0.90;
    private const double LimitQuantile = 0.999;
    private const int RowsPerCoefficient = 20;

    /// <summary>Sensors the model was fitted for (active or not).</summary>
    public int Sensors => SensorMeans.Length;

    /// <summary>Features a row becomes: each sensor standardised, and its square (so curved relationships stay in the model).</summary>
    public int Features => Means.Length;

    /// <summary>Fits the model on <paramref name="rows"/> (one array per row, one value per sensor; NaN = missing).</summary>
    public static AssetHealthModel Fit(IReadOnlyList<double[]> rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows.Count, 3, nameof(rows));
        var (sensorMeans, sensorScales) = MeansAndScales(rows);
        var features = new double[rows.Count][];
        for (var r = 0; r < rows.Count; r++)
        {
            features[r] = Expand(rows[r], sensorMeans, sensorScales, new double[2 * sensorMeans.Length]);
        }

        var whole = FitFeatures(features, sensorMeans, sensorScales) with { Residuals = SensorResiduals.Fit(features, sensorMeans.Length) };
        var (centres, members) = OperatingModes.Find(features, sensorMeans.Length);
        if (centres.Length < 2)
        {
            return whole;
        }

        // Several operating modes (regimes, products, speeds): each gets its own model, and a row is judged by its mode's.
        // A mode predicts its sensors from each other only with enough rows for a stable regression (the rule of thumb
        // of 20 rows a coefficient); otherwise the whole asset's residual models judge it.
        var coefficients = (2 * (sensorScales.Count(s => s > 0) - 1)) + 1;
        return whole with
        {
            ModeCentres = centres,
            Modes = [.. members.Select(m =>
            {
                var modeFeatures = m.Select(r => features[r]).ToArray();
                var model = FitFeatures(modeFeatures, sensorMeans, sensorScales);
                return m.Count >= RowsPerCoefficient * coefficients ? model with { Residuals = SensorResiduals.Fit(modeFeatures, sensorMeans.Length) } : model;
            })],
        };
    }

    /// <summary>
    /// The model that judges a row with these features: its operating mode's, or this one when there is one mode. (A
    /// mode without residual models of its own is judged by this one's: <see cref="ResidualsOf"/>.)
    /// </summary>
    public AssetHealthModel ModeOf(ReadOnlySpan<double> features) =>
        Modes is null || ModeCentres is null ? this : Modes[OperatingModes.Nearest(ModeCentres, features[..Sensors])];

    /// <summary>The residual models that judge a row of <paramref name="mode"/> (one of <see cref="ModeOf"/>'s answers).</summary>
    public SensorResiduals? ResidualsOf(AssetHealthModel mode) => mode.Residuals ?? Residuals;

    /// <summary>A row's features: each sensor standardised (0 when missing or left out), then each of those squared.</summary>
    public double[] Expand(ReadOnlySpan<double> values, double[] into) => Expand(values, SensorMeans, SensorScales, into);

    private static double[] Expand(ReadOnlySpan<double> values, double[] means, double[] scales, double[] into)
    {
        var sensors = means.Length;
        for (var s = 0; s < sensors; s++)
        {
            var z = scales[s] > 0 && double.IsFinite(values[s]) ? (values[s] - means[s]) / scales[s] : 0;
            into[s] = z;
            into[sensors + s] = z * z;
        }

        return into;
    }

    /// <summary>Each column's mean and standard deviation over the finite values (0 for a column constant to rounding).</summary>
    internal static (double[] Means, double[] Scales) MeansAndScales(IReadOnlyList<double[]> rows)
    {
        var sensors = rows[0].Length;
        var means = new double[sensors];
        var scales = new double[sensors];
        for (var s = 0; s < sensors; s++)
        {
            var (sum, count) = (0.0, 0);
            foreach (var row in rows)
            {
                if (double.IsFinite(row[s]))
                {
                    (sum, count) = (sum + row[s], count + 1);
                }
            }

            means[s] = count == 0 ? 0 : sum / count;
            // Two passes: a small spread around a large level (an absolute pressure in Pa, a counter) survives rounding.
            var squares = 0.0;
            foreach (var row in rows)
            {
                if (double.IsFinite(row[s]))
                {
                    squares += (row[s] - means[s]) * (row[s] - means[s]);
                }
            }

            var variance = count < 2 ? 0 : squares / (count - 1);
            // Constant in training (to rounding): no relationship to learn, left out of the model.
            scales[s] = Math.Sqrt(variance) > 1e-12 * (Math.Abs(means[s]) + 1) ? Math.Sqrt(variance) : 0;
        }

        return (means, scales);
    }

    private static AssetHealthModel FitFeatures(double[][] rows, double[] sensorMeans, double[] sensorScales)
    {
        var sensors = rows[0].Length;
        var (means, scales) = MeansAndScales(rows);
        var active = Enumerable.Range(0, sensors).Where(s => scales[s] > 0).ToArray();
        var standardized = new double[rows.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            standardized[r] = Standardize(rows[r], means, scales, new double[sensors]);
        }

        var loadings = new double[sensors * Math.Max(1, active.Length)];
        var eigenvalues = new double[Math.Max(1, active.Length)];
        var components = 0;
        if (active.Length > 0)
        {
            var covariance = Matrix<double>.Build.Dense(active.Length, active.Length);
            foreach (var z in standardized)
            {
                for (var i = 0; i < active.Length; i++)
                {
                    for (var j = i; j < active.Length; j++)
                    {
                        covariance[i, j] += z[active[i]] * z[active[j]];
                    }
                }
            }

            for (var i = 0; i < active.Length; i++)
            {
                for (var j = i; j < active.Length; j++)
                {
                    covariance[i, j] /= rows.Length - 1;
                    covariance[j, i] = covariance[i, j];
                }
            }

            var evd = covariance.Evd(Symmetricity.Symmetric);
            // MathNet orders eigenvalues ascending; the model keeps them descending.
            var order = Enumerable.Range(0, active.Length).OrderByDescending(k => evd.EigenValues[k].Real).ToArray();
            var total = order.Sum(k => Math.Max(0, evd.EigenValues[k].Real));
            var largest = Math.Max(evd.EigenValues[order[0]].Real, 1e-12);
            var explained = 0.0;
            for (var c = 0; c < order.Length; c++)
            {
                eigenvalues[c] = Math.Max(evd.EigenValues[order[c]].Real, 1e-6 * largest);
                for (var i = 0; i < active.Length; i++)
                {
                    loadings[(active[i] * eigenvalues.Length) + c] = evd.EigenVectors[i, order[c]];
                }

                if (components == 0 || explained < ExplainedVariance * total)
                {
                    explained += Math.Max(0, evd.EigenValues[order[c]].Real);
                    components = c + 1;
                }
            }

            components = active.Length == 1 ? 1 : Math.Min(components, active.Length - 1);
        }

        var unlimited = new AssetHealthModel(means, scales, components, loadings, eigenvalues, 1, rows.Length, sensorMeans, sensorScales);
        var t2 = new double[rows.Length];
        var scores = new double[unlimited.Eigenvalues.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            t2[r] = unlimited.T2(standardized[r], scores);
        }

        return unlimited with { T2Limit = Limit(t2) };
    }

    /// <summary>A row's features standardised by the model: 0 for a feature left out.</summary>
    public double[] Standardize(ReadOnlySpan<double> features, double[] into) => Standardize(features, Means, Scales, into);

    /// <summary>T² of a standardised row; <paramref name="scores"/> receives its component scores.</summary>
    public double T2(ReadOnlySpan<double> z, Span<double> scores)
    {
        var width = Eigenvalues.Length;
        var t2 = 0.0;
        for (var c = 0; c < Components; c++)
        {
            var t = 0.0;
            for (var s = 0; s < z.Length; s++)
            {
                t += z[s] * Loadings[(s * width) + c];
            }

            scores[c] = t;
            t2 += t * t / Eigenvalues[c];
        }

        return t2;
    }

    /// <summary>
    /// Each sensor's share of a row's departure, as fractions summing to 1 (all 0 for a row the model finds perfectly
    /// normal): its residuals' moving average squared against the residual limit, plus its two features' part of T²
    /// against the T² limit. <paramref name="z"/> and <paramref name="scores"/> are the row's standardised features and
    /// component scores, <paramref name="averages"/> each sensor's moving average of its residual (zeros without
    /// residual models) and <paramref name="residualLimit"/> their limit;
    /// <paramref name="into"/> has one place per sensor.
    /// </summary>
    public void Contributions(ReadOnlySpan<double> z, ReadOnlySpan<double> scores, ReadOnlySpan<double> averages, double residualLimit, Span<double> into)
    {
        var width = Eigenvalues.Length;
        var sensors = Sensors;
        into[..sensors].Clear();
        var sum = 0.0;
        for (var f = 0; f < z.Length; f++)
        {
            var weighted = 0.0;
            for (var c = 0; c < Components; c++)
            {
                weighted += scores[c] / Eigenvalues[c] * Loadings[(f * width) + c];
            }

            var part = Math.Max(0, z[f] * weighted / T2Limit);
            into[f % sensors] += part;
            sum += part;
        }

        for (var s = 0; s < averages.Length; s++)
        {
            var part = averages[s] / residualLimit * (averages[s] / residualLimit);
            into[s] += part;
            sum += part;
        }

        for (var s = 0; s < sensors; s++)
        {
            into[s] = sum > 0 ? into[s] / sum : 0;
        }
    }

    private static double[] Standardize(ReadOnlySpan<double> values, double[] means, double[] scales, double[] into)
    {
        for (var s = 0; s < into.Length; s++)
        {
            into[s] = scales[s] > 0 && double.IsFinite(values[s]) ? (values[s] - means[s]) / scales[s] : 0;
        }

        return into;
    }

    /// <summary>A training statistic's 99.9th percentile; a statistic that is 0 throughout gets a tiny positive limit.</summary>
    internal static double Limit(IEnumerable<double> statistic)
    {
        var sorted = statistic.Order().ToArray();
        var limit = sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(LimitQuantile * sorted.Length) - 1)];
        return Math.Max(limit, 1e-9);
    }
}
