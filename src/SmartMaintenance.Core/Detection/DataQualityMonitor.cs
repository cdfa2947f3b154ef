using SmartMaintenance.Domain;

namespace SmartMaintenance.Detection;

/// <summary>Problems with the data itself rather than with the machine it measures.</summary>
[Flags, Orleans.GenerateSerializer]
public enum DataQualityIssues
{
    None = 0,
    /// <summary>Outside the sensor's expected range.</summary>
    OutOfRange = 1,
    /// <summary>The same value many times in a row: a frozen sensor or gateway.</summary>
    Stuck = 2,
    /// <summary>Much longer since the previous reading than the sensor's sample interval.</summary>
    Gap = 4,
    /// <summary>The value changed far faster than this sensor usually changes.</summary>
    RateOfChange = 8,
    /// <summary>Older than a reading already seen: stored, but not fed to the detectors.</summary>
    OutOfOrder = 16,
}

/// <summary>Per-sensor data-quality checks, O(1) per reading.</summary>
public sealed class DataQualityMonitor(Sensor sensor, int stuckRun = 30, double gapFactor = 5, double rateFactor = 25, int warmup = 30)
{
    private long _lastMicros = long.MinValue;
    private double _lastValue = double.NaN;
    private int _sameRun;
    private double _meanRate;
    private long _rates;

    public DataQualityIssues Check(long timestampMicros, double value)
    {
        var issues = sensor.IsOutsideExpectedRange(value) ? DataQualityIssues.OutOfRange : DataQualityIssues.None;
        if (_lastMicros == long.MinValue)
        {
            Remember(timestampMicros, value);
            return issues;
        }

        if (timestampMicros <= _lastMicros)
        {
            return issues | DataQualityIssues.OutOfOrder;
        }

        var seconds = (timestampMicros - _lastMicros) / 1e6;
        if (sensor.SampleIntervalSeconds > 0 && seconds > gapFactor * sensor.SampleIntervalSeconds)
        {
            issues |= DataQualityIssues.Gap;
        }

        _sameRun = value == _lastValue ? _sameRun + 1 : 0;
        if (_sameRun + 1 >= stuckRun)
        {
            issues |= DataQualityIssues.Stuck;
        }

        var rate = Math.Abs(value - _lastValue) / seconds;
        if (_rates > warmup && _meanRate > 0 && rate > rateFactor * _meanRate)
        {
            issues |= DataQualityIssues.RateOfChange;
        }
        else
        {
            // Only ordinary changes teach the usual rate, so a burst of jumps does not make itself normal.
            _rates++;
            _meanRate += (rate - _meanRate) / Math.Min(_rates, 200);
        }

        Remember(timestampMicros, value);
        return issues;
    }

    private void Remember(long timestampMicros, double value)
    {
        _lastMicros = timestampMicros;
        _lastValue = value;
    }
}
