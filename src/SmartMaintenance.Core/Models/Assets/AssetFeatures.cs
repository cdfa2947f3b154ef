using SmartMaintenance.Domain;

namespace SmartMaintenance.Models.Assets;

/// <summary>One sensor's roll-ups as the asset features read them: minutes of the last hours, hours of the past week.</summary>
public sealed record SensorWindow(Sensor Sensor, IReadOnlyList<RollupPoint> Minutes, IReadOnlyList<RollupPoint> Hours);

/// <summary>
/// What an asset model reads: for each sensor type of the asset kind, the sensor's position in its expected range,
/// its drift from the past week (z), its trend and its roughness — both as a share of the expected range, so a
/// model trained on one fleet reads another whose sensors have other units and baselines — and, for the asset, the
/// hours until the first trend leaves its range. Computed by <see cref="StatisticalHealthModel.Describe"/> from the
/// same roll-ups whether the rows come from stored readings or from simulated histories.
/// </summary>
public sealed record AssetFeatures(IReadOnlyList<string> SensorTypes)
{
    /// <summary>Beyond a month, the time to a limit says nothing more about failure.</summary>
    public const double MaxHoursToLimit = 720;

    private const double MaxDriftZ = 50;
    private static readonly string[] PerSensor = ["position", "drift_z", "trend_per_day", "roughness"];

    public int Count => (SensorTypes.Count * PerSensor.Length) + 1;

    public IReadOnlyList<string> Names() => [.. SensorTypes.SelectMany(t => PerSensor.Select(f => $"{t}.{f}")), "hours_to_limit"];

    public float[] Row(IReadOnlyList<SensorWindow> windows) =>
        Row([.. windows.Select(w => (w.Sensor, StatisticalHealthModel.Describe(w.Sensor, w.Minutes, w.Hours)))]);

    /// <summary>
    /// A feature is NaN where the asset has no sensor of the type, the sensor has no recent data, or it has no expected
    /// range. Of several sensors of one type, the one farthest from its past week speaks for the type.
    /// </summary>
    public float[] Row(IReadOnlyList<(Sensor Sensor, SensorHealth Health)> sensors)
    {
        var row = new float[Count];
        Array.Fill(row, float.NaN);
        for (var k = 0; k < SensorTypes.Count; k++)
        {
            var type = SensorTypes[k];
            var ofType = sensors.Where(s => s.Health.Current is not null && string.Equals(s.Sensor.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();
            if (ofType.Count == 0)
            {
                continue;
            }

            var (sensor, health) = ofType.MaxBy(s => Math.Abs(s.Health.DriftZ ?? 0));

            var range = sensor.ExpectedMax - sensor.ExpectedMin is > 0 and var r ? r : (double?)null;
            var at = k * PerSensor.Length;
            row[at] = range is { } w ? (float)((health.Current!.Value - sensor.ExpectedMin!.Value) / w) : float.NaN;
            row[at + 1] = health.DriftZ is { } z ? (float)Math.Clamp(z, -MaxDriftZ, MaxDriftZ) : float.NaN;
            row[at + 2] = range is { } w2 && health.SlopePerHour is { } slope ? (float)(slope * 24 / w2) : float.NaN;
            row[at + 3] = range is { } w3 && health.Roughness is { } rough ? (float)(rough / w3) : float.NaN;
        }

        var toLimit = sensors.Select(s => s.Health.TimeToLimit()).Where(t => t is not null).Min();
        row[^1] = (float)Math.Min(toLimit?.TotalHours ?? MaxHoursToLimit, MaxHoursToLimit);
        return row;
    }
}
