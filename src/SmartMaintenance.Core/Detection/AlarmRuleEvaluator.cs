using SmartMaintenance.Domain;

namespace SmartMaintenance.Detection;

/// <summary>
/// Where a sensor's alarm rule stands: the limit in alarm (+1 high, −1 low, 0 none), the side a value has been beyond
/// since <see cref="PendingSinceMicros"/> while its delay runs, and the latest reading (for the rate of change).
/// </summary>
public sealed record AlarmRuleState(int Active, int Pending, long PendingSinceMicros, long LastMicros, double LastValue);

/// <summary>What a sensor's alarm rule made of one reading.</summary>
/// <param name="Beyond">The value is in alarm: beyond a limit for the delay and not yet back inside by the hysteresis.</param>
/// <param name="Raised"><c>threshold_high</c> or <c>threshold_low</c> when this reading raises the limit's alarm, else null.</param>
/// <param name="RateExceeded">The change since the previous reading was faster than the rule's maximum rate.</param>
public readonly record struct AlarmVerdict(bool Beyond, string? Raised, bool RateExceeded)
{
    public bool Abnormal => Beyond || RateExceeded;
}

/// <summary>
/// Judges a sensor's readings, in time order, against its <see cref="AlarmRule"/>. A limit's alarm is raised once, when
/// the value has stayed beyond it for the rule's delay (at once with no delay), and stays up until the value is back
/// inside by the hysteresis; the rate is judged reading by reading against the previous one. A new rule keeps where
/// the readings stand, so a value already beyond a new limit raises its alarm on the next reading.
/// </summary>
public sealed class AlarmRuleEvaluator(AlarmRule? rule = null, AlarmRuleState? restored = null)
{
    public const string HighDetector = "threshold_high";
    public const string LowDetector = "threshold_low";
    public const string RateDetector = "rate_limit";

    private int _active = restored?.Active ?? 0;
    private int _pending = restored?.Pending ?? 0;
    private long _pendingSince = restored?.PendingSinceMicros ?? 0;
    private long _lastMicros = restored?.LastMicros ?? long.MinValue;
    private double _lastValue = restored?.LastValue ?? double.NaN;

    public AlarmRule? Rule { get; private set; } = rule;

    public AlarmRuleState Snapshot() => new(_active, _pending, _pendingSince, _lastMicros, _lastValue);

    /// <summary>Judges from the next reading with <paramref name="newRule"/> (none: no alarm); an alarm of a limit that went away ends.</summary>
    public void Reconfigure(AlarmRule? newRule)
    {
        Rule = newRule;
        if ((_active > 0 && newRule?.High is null) || (_active < 0 && newRule?.Low is null))
        {
            _active = 0;
        }

        _pending = 0;
    }

    public AlarmVerdict Check(long micros, double value)
    {
        var (lastMicros, lastValue) = (_lastMicros, _lastValue);
        (_lastMicros, _lastValue) = (micros, value);
        if (Rule is not { } rule || !double.IsFinite(value))
        {
            return default;
        }

        var rateExceeded = rule.MaxRatePerMinute is { } maxRate && lastMicros != long.MinValue && micros > lastMicros
            && double.IsFinite(lastValue) && Math.Abs(value - lastValue) / ((micros - lastMicros) / 60e6) > maxRate;

        // An alarm clears once the value is back inside by the hysteresis.
        if ((_active > 0 && !(value >= rule.High - rule.Hysteresis)) || (_active < 0 && !(value <= rule.Low + rule.Hysteresis)))
        {
            _active = 0;
        }

        var side = value > rule.High ? 1 : value < rule.Low ? -1 : 0;
        string? raised = null;
        if (_active == 0 && side != 0)
        {
            if (_pending != side)
            {
                (_pending, _pendingSince) = (side, micros);
            }

            if (micros - _pendingSince >= (long)rule.Delay.TotalMicroseconds)
            {
                (_active, _pending) = (side, 0);
                raised = side > 0 ? HighDetector : LowDetector;
            }
        }
        else if (side == 0)
        {
            _pending = 0;
        }

        return new AlarmVerdict(_active != 0, raised, rateExceeded);
    }
}
