using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Detection;

/// <summary>What the monitor concluded about one reading.</summary>
public readonly record struct SignalObservation(
    double Z, double Score, DataQualityIssues Issues, DataQualityIssues RaisedIssues, bool StartsAnomaly, string[] Detectors);

/// <summary>
/// One sensor's streaming judgement: data-quality checks, the streaming anomaly ensemble, a spike rule, and
/// episodes — an anomaly is raised once when a signal turns abnormal, not at every abnormal reading, and again only
/// after a calm spell.
/// </summary>
/// <remarks>
/// The ensemble (<see cref="StreamingAnomalyDetector"/>) is the NAB-measured detector; it weighs evidence over a few
/// readings and deliberately ignores lone outliers in noisy streams. A maintenance platform must still show a reading
/// far outside anything the sensor does (a loose connector, a pressure spike), so a reading at least
/// <see cref="SpikeZ"/> robust scales from the baseline also starts an anomaly, named <c>spike</c>; validation then
/// weighs it like any other finding.
/// </remarks>
public sealed class SensorSignalMonitor(
    Sensor sensor, DetectorSettings? settings = null, int calmReadings = 30, int contextSize = 64, DetectorState? restored = null)
{
    /// <summary>Robust scales from the baseline at which a single reading counts as a spike.</summary>
    public const double SpikeZ = 6;

    private static readonly string[] NoDetectors = [];

    private readonly StreamingAnomalyDetector _detector = restored is null ? new(settings) : StreamingAnomalyDetector.Restore(restored, settings);
    private readonly DataQualityMonitor _quality = new(sensor);
    private readonly Reading[] _context = new Reading[contextSize];
    private int _contextCount;
    private int _contextNext;
    private bool _inEpisode;
    private int _calm;
    private DataQualityIssues _active;

    public Sensor Sensor => sensor;

    /// <summary>The timestamp of the latest reading the ensemble learned (0 before any).</summary>
    public long LearnedUpToMicros { get; private set; }

    /// <summary>What the ensemble has learned, for the sensor agent's grain state.</summary>
    public DetectorState Snapshot() => _detector.Snapshot();

    /// <summary>The ensemble's firing level under the current settings.</summary>
    public double FiringLevel => _detector.FiringLevel;

    /// <summary>New settings (a changed sensitivity) from the next reading on, keeping what was learned.</summary>
    public void Reconfigure(DetectorSettings newSettings) => _detector.Reconfigure(newSettings);

    public SignalObservation Observe(in Reading reading)
    {
        var issues = _quality.Check(reading.TimestampMicros, reading.Value);
        if ((issues & DataQualityIssues.OutOfOrder) != 0)
        {
            // A late reading is stored but says nothing about "now"; feeding it would corrupt the baselines.
            return new SignalObservation(0, 0, issues, DataQualityIssues.None, false, NoDetectors);
        }

        Remember(reading);
        var verdict = _detector.Update(reading.TimestampMicros, reading.Value);
        LearnedUpToMicros = reading.TimestampMicros;
        var z = _detector.LevelZ;
        var spike = z >= SpikeZ;
        var raised = issues & ~_active & (DataQualityIssues.OutOfRange | DataQualityIssues.Stuck | DataQualityIssues.Gap);
        _active = issues;
        var outOfRange = (issues & DataQualityIssues.OutOfRange) != 0;
        var score = Math.Max(verdict.Evidence, spike ? Squash.Of(z, SpikeZ) : 0);

        var abnormal = verdict.Evidence >= _detector.FiringLevel || spike || outOfRange;
        if (!abnormal)
        {
            if (_inEpisode && ++_calm >= calmReadings)
            {
                _inEpisode = false;
            }

            return new SignalObservation(z, score, issues, raised, false, NoDetectors);
        }

        _calm = 0;
        var starts = verdict.Alarm || spike || (raised & DataQualityIssues.OutOfRange) != 0;
        if (_inEpisode || !starts)
        {
            return new SignalObservation(z, score, issues, raised, false, NoDetectors);
        }

        _inEpisode = true;
        var detectors = new List<string>(6);
        if (verdict.Alarm)
        {
            AddParts(detectors, verdict.Parts);
        }

        if (spike)
        {
            detectors.Add("spike");
        }

        if (outOfRange)
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

    /// <summary>Severity by how far beyond the spike limit the reading went and how overwhelming the ensemble's evidence is.</summary>
    public static AnomalySeverity SeverityOf(in SignalObservation observation)
    {
        var byZ = (observation.Z / SpikeZ) switch
        {
            >= 3 => AnomalySeverity.Critical,
            >= 2 => AnomalySeverity.High,
            >= 1.5 => AnomalySeverity.Medium,
            _ => AnomalySeverity.Low,
        };
        var byEvidence = observation.Score switch
        {
            >= 0.999 => AnomalySeverity.High,
            >= 0.99 => AnomalySeverity.Medium,
            _ => AnomalySeverity.Low,
        };
        var byRange = (observation.Issues & DataQualityIssues.OutOfRange) != 0 ? AnomalySeverity.High : AnomalySeverity.Low;
        return (AnomalySeverity)Math.Max((int)byZ, Math.Max((int)byEvidence, (int)byRange));
    }

    /// <summary>The ensemble's parts that carried the alarm, strongest first; at least the strongest one.</summary>
    private void AddParts(List<string> detectors, DetectorParts parts)
    {
        var scores = _detector.PartScores.ToArray();
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        foreach (var i in order)
        {
            if ((parts & (DetectorParts)(1 << i)) != 0 || detectors.Count == 0)
            {
                detectors.Add(StreamingAnomalyDetector.PartNames[i]);
            }
        }
    }

    private void Remember(in Reading reading)
    {
        _context[_contextNext] = reading;
        _contextNext = (_contextNext + 1) % _context.Length;
        _contextCount = Math.Min(_contextCount + 1, _context.Length);
    }
}
