using SmartMaintenance.Detection.Ensemble;

namespace SmartMaintenance.Detection.Nab;

/// <summary>Runs the platform's streaming detector over a series, row by row, as NAB requires.</summary>
public static class NabDetection
{
    /// <summary>One score per row, each computed from that row and the earlier ones only.</summary>
    public static double[] Run(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values, DetectorSettings? settings = null)
    {
        var detector = new StreamingAnomalyDetector(settings);
        var scores = new double[values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Update(ToMicros(timestamps[i]), values[i]).Score;
        }

        return scores;
    }

    /// <summary>The series scored with its own probationary period as the detector's warm-up, as NAB gives it.</summary>
    public static double[] Run(NabSeries series, DetectorSettings? settings = null) =>
        Run(series.Timestamps, series.Values, (settings ?? DetectorSettings.Default) with { WarmUp = series.ProbationaryRows });

    /// <summary>NAB's zone-less timestamps read as UTC.</summary>
    public static long ToMicros(DateTime timestamp) => (timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
