using SmartMaintenance.Domain;

namespace SmartMaintenance.Detection;

/// <summary>What the monitor concluded about one reading.</summary>
public readonly record struct SignalObservation(
    double Z, double Score, DataQualityIssues Issues, DataQualityIssues RaisedIssues, bool StartsAnomaly, string[] Detectors);

/// <summary>
/// One sensor's streaming judgement: data-quality checks, the anomaly detector, and episodes — an anomaly is raised
/// once when a signal turns abnormal, not at every abnormal reading, and again only after a calm spell.
/// </summary>
public sealed class SensorSignalMonitor(Sensor sensor, int calmReadings = 30, int contextSize = 64)
{
    private static readonly string[] NoDetectors = [];

    private readonly RobustZScoreDetector _detector = new();
    private readonly DataQualityMonitor _quality = new(sensor);
    private readonly Reading[] _context = new Reading[contextSize];
    private int _contextCount;
    private int _contextNext;
    private bool _inEpisode;
    private int _calm;
    private DataQualityIssues _active;

    public Sensor Sensor => sensor;

    public SignalObservation Observe(in Reading reading)
    {
        var issues = _quality.Check(reading.TimestampMicros, reading.Value);
        if ((issues & DataQualityIssues.OutOfOrder) != 0)
        {
            // A late reading is stored but says nothing about "now"; feeding it would corrupt the baselines.
            return new SignalObservation(0, 0, issues, DataQualityIssues.None, false, NoDetectors);
        }

        Remember(reading);
        var z = _detector.Update(reading.Value);
        var score = _detector.ScoreOf(z);
        var raised = issues & ~_active & (DataQualityIssues.OutOfRange | DataQualityIssues.Stuck | DataQualityIssues.Gap);
        _active = issues;

        var fired = z >= _detector.Threshold || (raised & DataQualityIssues.OutOfRange) != 0;
        if (!fired)
        {
            if (_inEpisode && ++_calm >= calmReadings)
            {
                _inEpisode = false;
            }

            return new SignalObservation(z, score, issues, raised, false, NoDetectors);
        }

        _calm = 0;
        if (_inEpisode)
        {
            return new SignalObservation(z, score, issues, raised, false, NoDetectors);
        }

        _inEpisode = true;
        var detectors = new List<string>(3);
        if (z >= _detector.Threshold)
        {
            detectors.Add("robust_z");
        }

        if ((issues & DataQualityIssues.OutOfRange) != 0)
        {
            detectors.Add("expected_range");
            score = Math.Max(score, 0.75);
        }

        if ((issues & DataQualityIssues.RateOfChange) != 0)
        {
            detectors.Add("rate_of_change");
        }

        return new SignalObservation(z, score, issues, raised, true, [.. detectors]);
    }

    /// <summary>The latest readings, oldest first: the window an anomaly was judged in.</summary>
    public Reading[] Context()
    {
        var window = new Reading[_contextCount];
        var start = (_contextNext - _contextCount + _context.Length) % _context.Length;
        for (var i = 0; i < _contextCount; i++)
        {
            window[i] = _context[(start + i) % _context.Length];
        }

        return window;
    }

    /// <summary>Severity by how far beyond the threshold the signal went.</summary>
    public AnomalySeverity SeverityOf(in SignalObservation observation) => (observation.Z / _detector.Threshold) switch
    {
        >= 3 => AnomalySeverity.Critical,
        >= 2 => AnomalySeverity.High,
        _ when (observation.Issues & DataQualityIssues.OutOfRange) != 0 => AnomalySeverity.High,
        >= 1.5 => AnomalySeverity.Medium,
        _ => AnomalySeverity.Low,
    };

    private void Remember(in Reading reading)
    {
        _context[_contextNext] = reading;
        _contextNext = (_contextNext + 1) % _context.Length;
        _contextCount = Math.Min(_contextCount + 1, _context.Length);
    }
}
