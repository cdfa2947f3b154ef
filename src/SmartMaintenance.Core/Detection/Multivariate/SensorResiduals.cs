using MathNet.Numerics.LinearAlgebra;

namespace SmartMaintenance.Detection.Multivariate;

/// <summary>
/// Each sensor predicted from the others (the idea of MSET and of residual-based fault detection): a ridge regression of
/// a sensor's standardised value on the other sensors' standardised values and their squares, fitted on rows known to
/// be normal. A row's residuals, in units of each sensor's usual residual, say which relationship broke and by how much;
/// their short moving average (<see cref="Smoothing"/>) is judged against <see cref="Limit"/>, the 99.9th percentile
/// of that average over training rows each predicted by a model fitted without them (five folds in time order; with
/// fewer than 240 rows, the rows' own residuals), so the limit includes the error of predicting rows the model did not see.
/// </summary>
/// <remarks>
/// Unlike the squared prediction error of a principal-component model, which sums every feature's residual in the
/// same units, each sensor here is judged against its own usual residual: a 0.35 bar drift of a pressure that the flow
/// predicts to 0.05 bar is not hidden by a temperature that the load predicts only to 2 °C.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record SensorResiduals(
    [property: Id(0)] double[] FeatureMeans,
    [property: Id(1)] double[] FeatureScales,
    [property: Id(2)] double[][] Coefficients,
    [property: Id(3)] double[] ResidualScales,
    [property: Id(4)] double Limit)
{
    /// <summary>Exponential weight of the residuals' moving average: about four rows.</summary>
    public const double Smoothing = 0.25;

    /// <summary>A row's residual is capped at this many limits before averaging, so one wild row cannot hold the average up.</summary>
    public const double MaxResidual = 4;

    private const int Folds = 5;
    // Rows at the start of a held-out fold while its moving average settles (0.75¹² ≈ 3 % of the start left).
    private const int Settle = 12;
    // Folds shorter than four settling periods say little: with fewer rows the limit comes from the rows' own residuals.
    private const int FoldedFrom = Folds * 4 * Settle;
    private const double Ridge = 1e-3;

    /// <summary>Sensors judged (a sensor constant in training has no coefficients and a residual of 0).</summary>
    public int Sensors => Coefficients.Length;

    /// <summary>
    /// Fits on <paramref name="features"/> (per row each sensor's standardised value, then its square, as
    /// <see cref="AssetHealthModel.Expand(ReadOnlySpan{double}, double[])"/> writes them).
    /// </summary>
    public static SensorResiduals Fit(IReadOnlyList<double[]> features, int sensors)
    {
        var model = FitRows(features, sensors);
        var averages = new List<double>(features.Count);
        if (features.Count >= FoldedFrom)
        {
            for (var fold = 0; fold < Folds; fold++)
            {
                var (from, to) = (fold * features.Count / Folds, (fold + 1) * features.Count / Folds);
                var without = FitRows([.. features.Take(from), .. features.Skip(to)], sensors);
                averages.AddRange(without.Averages(features.Skip(from).Take(to - from)).Skip(Settle));
            }
        }
        else
        {
            averages.AddRange(model.Averages(features));
        }

        return model with { Limit = AssetHealthModel.Limit(averages) };
    }

    /// <summary>
    /// Moves each sensor's moving average of its residual on by one row (<paramref name="features"/> as at fitting) and
    /// returns the largest of them in limits. <paramref name="averages"/> are judged (each row's residual capped);
    /// <paramref name="explained"/> are the same averages uncapped, which tell the sensors apart when several reach the cap.
    /// </summary>
    public double Update(ReadOnlySpan<double> features, Span<double> averages, Span<double> explained)
    {
        var largest = 0.0;
        for (var s = 0; s < Sensors; s++)
        {
            var residual = Residual(features, s);
            explained[s] += Smoothing * (residual - explained[s]);
            averages[s] += Smoothing * (Math.Clamp(residual, -MaxResidual * Limit, MaxResidual * Limit) - averages[s]);
            largest = Math.Max(largest, Math.Abs(averages[s]));
        }

        return largest / Limit;
    }

    /// <summary>Sensor <paramref name="sensor"/>'s residual in this row, in units of its usual residual (0 for a sensor left out).</summary>
    public double Residual(ReadOnlySpan<double> features, int sensor)
    {
        var coefficients = Coefficients[sensor];
        if (coefficients.Length == 0)
        {
            return 0;
        }

        var predicted = coefficients[^1];
        for (var f = 0; f < FeatureMeans.Length; f++)
        {
            if (coefficients[f] != 0)
            {
                predicted += coefficients[f] * (features[f] - FeatureMeans[f]) / FeatureScales[f];
            }
        }

        var actual = (features[sensor] - FeatureMeans[sensor]) / FeatureScales[sensor];
        return (actual - predicted) / ResidualScales[sensor];
    }

    private IEnumerable<double> Averages(IEnumerable<double[]> features)
    {
        var averages = new double[Sensors];
        foreach (var row in features)
        {
            var largest = 0.0;
            for (var s = 0; s < Sensors; s++)
            {
                averages[s] += Smoothing * (Residual(row, s) - averages[s]);
                largest = Math.Max(largest, Math.Abs(averages[s]));
            }

            yield return largest;
        }
    }

    private static SensorResiduals FitRows(IReadOnlyList<double[]> features, int sensors)
    {
        var width = features[0].Length;
        var (means, scales) = AssetHealthModel.MeansAndScales(features);

        var coefficients = new double[sensors][];
        var residualScales = new double[sensors];
        for (var s = 0; s < sensors; s++)
        {
            // The other sensors' features that vary; a sensor that does not vary itself has nothing to predict.
            var inputs = Enumerable.Range(0, width).Where(f => f % sensors != s && scales[f] > 0).ToArray();
            if (scales[s] == 0)
            {
                coefficients[s] = [];
                continue;
            }

            var x = Matrix<double>.Build.Dense(features.Count, inputs.Length + 1, (r, i) => i == inputs.Length ? 1 : (features[r][inputs[i]] - means[inputs[i]]) / scales[inputs[i]]);
            var y = Vector<double>.Build.Dense(features.Count, r => (features[r][s] - means[s]) / scales[s]);
            var normal = x.TransposeThisAndMultiply(x);
            for (var i = 0; i < inputs.Length; i++)
            {
                normal[i, i] += Ridge * features.Count;
            }

            var solved = normal.Solve(x.TransposeThisAndMultiply(y));
            var row = new double[width + 1];
            for (var i = 0; i < inputs.Length; i++)
            {
                row[inputs[i]] = solved[i];
            }

            row[^1] = solved[inputs.Length];
            coefficients[s] = row;
            var squares = (y - (x * solved)).Sum(e => e * e);
            // Degrees of freedom taken by the fit, so a short training period does not understate the usual residual.
            residualScales[s] = Math.Max(Math.Sqrt(squares / Math.Max(1, features.Count - inputs.Length - 1)), 1e-9);
        }

        return new SensorResiduals(means, scales, coefficients, residualScales, 1);
    }
}
