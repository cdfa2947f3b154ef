using SmartMaintenance.Domain;

namespace SmartMaintenance.Simulation;

/// <summary>How one simulated sensor behaves: a daily cycle around a baseline, noise, and wear.</summary>
public sealed record SimulatedSensor(
    string SensorId, string AssetId, string Type, string Unit, double Baseline, double DailyAmplitude, double Noise,
    double ExpectedMin, double ExpectedMax, double SampleIntervalSeconds, double WearPerDay);

/// <summary>The demo fleet: three sites, ten assets, forty sensors, two of the assets wearing out.</summary>
public static class DemoFleet
{
    public static readonly IReadOnlyList<Site> Sites =
    [
        new("porto-plant", "Porto bottling plant", "Porto, PT", default),
        new("lisbon-plant", "Lisbon pumping station", "Lisbon, PT", default),
        new("rotterdam-depot", "Rotterdam compressor depot", "Rotterdam, NL", default),
    ];

    public static readonly IReadOnlyList<Asset> Assets =
    [
        new("porto-line-1", "porto-plant", null, "Filling line 1", "line", default, AssetCriticality.Critical),
        new("porto-pump-1", "porto-plant", "porto-line-1", "Feed pump P-101", "pump", default, AssetCriticality.High),
        new("porto-motor-1", "porto-plant", "porto-line-1", "Conveyor motor M-102", "motor", default),
        new("porto-chiller-1", "porto-plant", null, "Glycol chiller CH-1", "chiller", default, AssetCriticality.High),
        new("lisbon-pump-1", "lisbon-plant", null, "Raw water pump P-201", "pump", default),
        new("lisbon-pump-2", "lisbon-plant", null, "Raw water pump P-202", "pump", default, AssetCriticality.Low),
        new("lisbon-motor-1", "lisbon-plant", "lisbon-pump-1", "Drive motor M-201", "motor", default),
        new("rotterdam-comp-1", "rotterdam-depot", null, "Screw compressor C-301", "compressor", default),
        new("rotterdam-comp-2", "rotterdam-depot", null, "Screw compressor C-302", "compressor", default),
        new("rotterdam-fan-1", "rotterdam-depot", null, "Cooling fan F-303", "fan", default, AssetCriticality.Low),
    ];

    /// <summary>Assets that slowly wear out, so their vibration and temperature creep up day by day.</summary>
    public static readonly IReadOnlySet<string> WearingAssets = new HashSet<string> { "lisbon-pump-2", "rotterdam-comp-1" };

    public static IReadOnlyList<SimulatedSensor> Sensors { get; } = BuildSensors();

    /// <summary>The kinds of asset that carry sensors, each with its own sensor profile.</summary>
    public static IReadOnlyList<string> SensorKinds { get; } = [.. Assets.Where(a => a.Kind != "line").Select(a => a.Kind).Distinct()];

    private static List<SimulatedSensor> BuildSensors() =>
        [.. Assets.Where(a => a.Kind != "line").SelectMany(a => SensorsOf(a.AssetId, a.Kind, WearingAssets.Contains(a.AssetId) ? 1.0 : 0.0))];

    /// <summary>The sensors an asset of the kind carries: temperature, vibration, current, and pressure or speed.</summary>
    public static IReadOnlyList<SimulatedSensor> SensorsOf(string assetId, string kind, double wear = 0)
    {
        var sensors = new List<SimulatedSensor>();
        var (temperature, vibration, pressure, current) = kind switch
        {
            "pump" => (55.0, 2.8, 4.5, 32.0),
            "motor" => (65.0, 1.9, 0.0, 45.0),
            "chiller" => (6.0, 1.2, 3.2, 58.0),
            "compressor" => (78.0, 4.1, 8.0, 95.0),
            _ => (40.0, 2.2, 0.0, 12.0),
        };
        sensors.Add(new($"{assetId}-temp", assetId, "temperature", "°C", temperature, temperature * 0.06, temperature * 0.01,
            temperature - 25, temperature + 25, 5, 0.8 * wear));
        sensors.Add(new($"{assetId}-vib", assetId, "vibration", "mm/s", vibration, vibration * 0.05, vibration * 0.04,
            0, vibration * 2.5, 2, 0.12 * wear));
        sensors.Add(new($"{assetId}-current", assetId, "current", "A", current, current * 0.15, current * 0.015,
            0, current * 1.6, 5, 0.3 * wear));
        if (pressure > 0)
        {
            sensors.Add(new($"{assetId}-pressure", assetId, "pressure", "bar", pressure, pressure * 0.04, pressure * 0.01,
                pressure * 0.6, pressure * 1.4, 5, -0.02 * wear));
        }
        else
        {
            sensors.Add(new($"{assetId}-rpm", assetId, "speed", "rpm", 1480, 5, 2, 1400, 1520, 10, 0));
        }

        return sensors;
    }
}
