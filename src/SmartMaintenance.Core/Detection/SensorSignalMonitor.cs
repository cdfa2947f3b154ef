using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Domain;

namespace SmartMaintenance.Detection;

/// <summary>
/// What the monitor concluded about one reading: <see cref="Abnormal"/> when the reading itself is judged abnormal
/// (a resonance score at the reporting level, a spike, out of range), <see cref="StartsAnomaly"/> when it opens an episode.
/// </summary>
public readonly record struct SignalObservation(
    double Z, double Score, DataQualityIssues Issues, DataQualityIssues RaisedIssues, bool StartsAnomaly, string[] Detectors, bool Abnormal = false);

/// <summary>
/// What a sensor's monitor has learned: its level baseline, and its resonance detector — or, while it warms up, the
/// values it has seen and the time they span (first and latest timestamps, and the latest sampling step) — and where
/// its alarm rule stands (a limit in alarm stays in alarm across a restart instead of being raised again).
/// </summary>
public sealed record SensorMonitorState(LevelState Level, double[] WarmUp, ResonanceState? Resonance, long WarmUpFrom = 0, long WarmUpTo = 0,
    long WarmUpStep = 0, AlarmRuleState? Alarm = null);

/// <summary>
/// One sensor's streaming judgement: data-quality checks, the resonance detector (ARTime's method), a spike rule, and
/// episodes — an anomaly is raised once when a signal turns abnormal, not at every abnormal reading, and again only
/// after a calm spell.
/// </summary>
/// <remarks>
/// The resonance detector (<see cref="ResonanceAnomalyDetector"/>) is the best published generaliser on NAB, which we
/// reproduce row for row; it learns for the warm-up (<see cref="DetectorSettings.WarmUp"/> readings) and is told the
/// range the warm-up saw, widened by half its span on each side (a value beyond it counts as the range's edge). It
/// reports the windows that start a new cluster and deliberately ignores lone outliers that look like earlier ones, so
/// a reading at least <see cref="SpikeZ"/> robust scales from a level baseline also starts an anomaly, named
/// <c>spike</c>, and one outside the sensor's expected range one named <c>expected_range</c>; validation then weighs
/// them like any other finding. A person's <see cref="AlarmRule"/> is judged beside them (<see cref="AlarmRuleEvaluator"/>):
/// a limit's alarm starts an anomaly when it is raised, even inside an episode the detectors opened (the person asked
/// for exactly that alarm), and a rate beyond the rule's maximum starts one like the detectors do.
/// </remarks>
public sealed class SensorSignalMonitor
{
    /// <summary>
    /// The score of an anomaly a limit of an alarm rule raised: above validation's 0.6, so a person's limit is not
    /// dismissed as weak evidence (duplicates and floods still are), and high severity.
    /// </summary>
    public const double RuleScore = 0.8;

    /// <summary>Robust scales from the baseline at which a single reading counts as a spike.</summary>
    public const double SpikeZ = 6;

    /// <summary>The most readings the warm-up keeps while it waits for a day of them.</summary>
    public const int MaxWarmUpReadings = 10_000;

    private static readonly string[] NoDetectors = [];
    private static readonly long Day = (long)TimeSpan.FromDays(1).TotalMicroseconds;

    private readonly RobustZScoreDetector _level = new();
    private readonly AlarmRuleEvaluator _alarms;
    private readonly List<double> _warmUp = [];
    private readonly DataQualityMonitor _quality;
    private readonly Reading[] _context;
    private readonly int _calmReadings;
    private DetectorSettings _settings;
    private ResonanceAnomalyDetector? _resonance;
    private long _warmUpFrom;
    private long _warmUpTo;
    private long _warmUpStep;
    private int _contextCount;
    private int _contextNext;
    private bool _inEpisode;
    private int _calm;
    private DataQualityIssues _active;

    public SensorSignalMonitor(Sensor sensor, DetectorSettings? settings = null, int calmReadings = 30, int contextSize = 64,
        SensorMonitorState? restored = null, AlarmRule? rule = null)
    {
        _alarms = new AlarmRuleEvaluator(rule, restored?.Alarm);
        Sensor = sensor;
        _settings = settings ?? DetectorSettings.Default;
        _calmReadings = calmReadings;
        _quality = new DataQualityMonitor(sensor);
        _context = new Reading[contextSize];
        if (restored is not null)
        {
            _level.Load(restored.Level);
            _warmUp.AddRange(restored.WarmUp);
            (_warmUpFrom, _warmUpTo, _warmUpStep) = (restored.WarmUpFrom, restored.WarmUpTo, restored.WarmUpStep);
            _resonance = restored.Resonance is { } resonance ? ResonanceAnomalyDetector.Restore(resonance) : null;
        }
    }

    public Sensor Sensor { get; }

    /// <summary>The timestamp of the latest reading the detectors learned (0 before any).</summary>
    public long LearnedUpToMicros { get; private set; }

    /// <summary>What the detectors have learned, for the sensor agent's grain state.</summary>
    public SensorMonitorState Snapshot() => new(_level.Save(), [.. _warmUp], _resonance?.Snapshot(), _warmUpFrom, _warmUpTo, _warmUpStep,
        _alarms.Snapshot());

    /// <summary>The resonance score from which an anomaly is raised under the current settings.</summary>
    public double ReportingLevel => _settings.ReportingLevel;

    /// <summary>Whether the resonance detector judges yet (its warm-up is over).</summary>
    public bool Judging => _resonance is not null;

    /// <summary>The alarm rule the readings are judged against, if any.</summary>
    public AlarmRule? Rule => _alarms.Rule;

    /// <summary>New settings (a changed sensitivity, a changed alarm rule) from the next reading on, keeping what was learned.</summary>
    public void Reconfigure(DetectorSettings newSettings, AlarmRule? rule)
    {
        _settings = newSettings;
        _alarms.Reconfigure(rule);
    }

    public SignalObservation Observe(in Reading reading)
    {
        var issues = _quality.Check(reading.TimestampMicros, reading.Value);
        if ((issues & DataQualityIssues.OutOfOrder) != 0)
        {
            // A late reading is stored but says nothing about "now"; feeding it would corrupt the baselines.
            return new SignalObservation(0, 0, issues, DataQualityIssues.None, false, NoDetectors);
        }

        Remember(reading);
        LearnedUpToMicros = reading.TimestampMicros;
        if (!double.IsFinite(reading.Value))
        {
            return new SignalObservation(0, 0, issues, DataQualityIssues.None, false, NoDetectors);
        }

        var alarm = _alarms.Check(reading.TimestampMicros, reading.Value);
        var z = _level.Update(reading.Value);
        var resonance = Resonate(reading.TimestampMicros, reading.Value);
        var reported = resonance > 0 && resonance >= _settings.ReportingLevel;
        var spike = z >= SpikeZ;
        var raised = issues & ~_active & (DataQualityIssues.OutOfRange | DataQualityIssues.Stuck | DataQualityIssues.Gap);
        _active = issues;
        var outOfRange = (issues & DataQualityIssues.OutOfRange) != 0;
        var score = Math.Max(resonance, spike ? Squash.Of(z, SpikeZ) : 0);

        if (alarm.Raised is not null)
        {
            score = Math.Max(score, RuleScore);
        }
        else if (alarm.RateExceeded)
        {
            score = Math.Max(score, 0.75);
        }

        var abnormal = reported || spike || outOfRange || alarm.Abnormal;
        if (!abnormal)
        {
            if (_inEpisode && ++_calm >= _calmReadings)
            {
                _inEpisode = false;
            }

            return new SignalObservation(z, score, issues, raised, false, NoDetectors);
        }

        _calm = 0;
        var starts = reported || spike || alarm.RateExceeded || (raised & DataQualityIssues.OutOfRange) != 0;
        if ((_inEpisode || !starts) && alarm.Raised is null)
        {
            return new SignalObservation(z, score, issues, raised, false, NoDetectors, Abnormal: true);
        }

        _inEpisode = true;
        var detectors = new List<string>(4);
        if (reported)
        {
            detectors.Add("resonance");
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

        if (alarm.Raised is { } limit)
        {
            detectors.Add(limit);
        }

        if (alarm.RateExceeded)
        {
            detectors.Add(AlarmRuleEvaluator.RateDetector);
        }

        return new SignalObservation(z, score, issues, raised, true, [.. detectors], Abnormal: true);
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

    /// <summary>Severity by how far beyond the spike limit the reading went and how strong the resonance detector's score is.</summary>
    public static AnomalySeverity SeverityOf(in SignalObservation observation)
    {
        var byZ = (observation.Z / SpikeZ) switch
        {
            >= 3 => AnomalySeverity.Critical,
            >= 2 => AnomalySeverity.High,
            >= 1.5 => AnomalySeverity.Medium,
            _ => AnomalySeverity.Low,
        };
        var byScore = observation.Score switch
        {
            >= 0.9 => AnomalySeverity.High,
            >= 0.6 => AnomalySeverity.Medium,
            _ => AnomalySeverity.Low,
        };
        var byRange = (observation.Issues & DataQualityIssues.OutOfRange) != 0
            || observation.Detectors.Contains(AlarmRuleEvaluator.HighDetector) || observation.Detectors.Contains(AlarmRuleEvaluator.LowDetector)
            ? AnomalySeverity.High : AnomalySeverity.Low;
        return (AnomalySeverity)Math.Max((int)byZ, Math.Max((int)byScore, (int)byRange));
    }

    /// <summary>
    /// The resonance detector's score for the value (0 while it warms up). The warm-up lasts at least
    /// <see cref="DetectorSettings.WarmUp"/> readings and, up to <see cref="MaxWarmUpReadings"/>, until the readings
    /// cover a day — plant data cycle daily, and a detector that learned half a day calls the other half new. Then the
    /// detector is made with the range the readings span, widened by half that span on each side, and with as many
    /// probation rows as there were readings (ARTime sizes its down-sampling by them), and learns them.
    /// </summary>
    private double Resonate(long micros, double value)
    {
        if (_resonance is not null)
        {
            return _resonance.Update(value);
        }

        if (_warmUp.Count == 0)
        {
            _warmUpFrom = micros;
        }
        else
        {
            _warmUpStep = micros - _warmUpTo;
        }

        _warmUpTo = micros;
        _warmUp.Add(value);
        var coversADay = _warmUpTo - _warmUpFrom + _warmUpStep >= Day;
        if (_warmUp.Count < Math.Max(2, _settings.WarmUp) || (!coversADay && _warmUp.Count < MaxWarmUpReadings))
        {
            return 0;
        }

        var (low, high) = (_warmUp.Min(), _warmUp.Max());
        var margin = Math.Max(high - low, 1e-9 * (Math.Abs(high) + 1)) / 2;
        _resonance = new ResonanceAnomalyDetector(low - margin, high + margin, _warmUp.Count, DetectorSettings.SensorCategories);
        var last = 0.0;
        foreach (var v in _warmUp)
        {
            last = _resonance.Update(v);
        }

        _warmUp.Clear();
        return last;
    }

    private void Remember(in Reading reading)
    {
        _context[_contextNext] = reading;
        _contextNext = (_contextNext + 1) % _context.Length;
        _contextCount = Math.Min(_contextCount + 1, _context.Length);
    }
}
