using SmartMaintenance.Detection.Ensemble;

namespace SmartMaintenance.Detection.Nab;

/// <summary>The univariate detectors a whole series can be scored with, NAB-style.</summary>
public enum SeriesDetectorKind
{
    /// <summary>
    /// <see cref="ResonanceAnomalyDetector"/> (ARTime's method): the best published generaliser on NAB's unseen categories,
    /// reproduced score for score on the shipped series. The default.
    /// </summary>
    Resonance,

    /// <summary><see cref="StreamingAnomalyDetector"/>, the five-part ensemble: designed on the shipped series, it scored 44.89 on 40 unseen ones.</summary>
    Ensemble,

    /// <summary><see cref="ContextualAnomalyDetector"/> (CAD OSE's method).</summary>
    Contextual,
}

/// <summary>Runs a detector over a series, row by row, as NAB requires.</summary>
public static class NabDetection
{
    /// <summary>The series scored by the ensemble with its own probationary period as the warm-up, as NAB gives it.</summary>
    public static double[] Run(NabSeries series, DetectorSettings? settings = null) => Run(series, SeriesDetectorKind.Ensemble, settings);

    /// <summary>The series scored by <paramref name="kind"/> with its own probationary period, as NAB gives it.</summary>
    public static double[] Run(NabSeries series, SeriesDetectorKind kind, DetectorSettings? settings = null) =>
        Score(kind, [.. series.Timestamps.Select(ToMicros)], series.Values, series.ProbationaryRows, settings ?? DetectorSettings.Default);

    /// <summary>
    /// One score per row. What a detector is told before the first row is what NAB tells every detector: the probationary
    /// period and the series' range (its minimum and maximum) unless <paramref name="range"/> is given; each score is
    /// computed from that row and earlier ones. The ensemble uses the timestamps (<paramref name="micros"/>) and the
    /// <paramref name="settings"/>; the others neither.
    /// </summary>
    public static double[] Score(SeriesDetectorKind kind, IReadOnlyList<long> micros, IReadOnlyList<double> values, int probation,
        DetectorSettings settings, (double Low, double High)? range = null)
    {
        var scores = new double[values.Count];
        if (values.Count == 0)
        {
            return scores;
        }

        var (min, max) = range ?? RangeOf(values);
        switch (kind)
        {
            case SeriesDetectorKind.Resonance:
                var resonance = new ResonanceAnomalyDetector(min, max, probation);
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = resonance.Update(values[i]);
                }

                break;
            case SeriesDetectorKind.Contextual:
                var contextual = new ContextualAnomalyDetector(min, max, restPeriod: probation / 5);
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = contextual.Update(values[i]);
                }

                break;
            default:
                var ensemble = new StreamingAnomalyDetector(settings with { WarmUp = probation });
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = ensemble.Update(micros[i], values[i]).Score;
                }

                break;
        }

        return scores;
    }

    /// <summary>NAB's zone-less timestamps read as UTC.</summary>
    public static long ToMicros(DateTime timestamp) => (timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    private static (double Min, double Max) RangeOf(IReadOnlyList<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }
        }

        return double.IsFinite(min) ? (min, max) : (0, 0);
    }
}
