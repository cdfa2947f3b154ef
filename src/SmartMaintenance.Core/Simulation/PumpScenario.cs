namespace SmartMaintenance.Simulation;

/// <summary>A fault of one coupled pump's sensors, as the asset-health evaluation injects it.</summary>
public enum PumpFault
{
    None,
    /// <summary>Impeller wear: the motor draws 10 % more current for the same flow.</summary>
    EfficiencyLoss,
    /// <summary>A worn bearing: vibration up by 0.35 mm/s at every speed.</summary>
    Bearing,
    /// <summary>The cooler fails: the temperature climbs to 6 °C above its usual value over the episode.</summary>
    CoolingLoss,
    /// <summary>The pressure transmitter drifts to read 0.35 bar low.</summary>
    PressureSensorDrift,
    /// <summary>A leak after the flow meter: flow 6 % higher and pressure 0.3 bar lower for the same current.</summary>
    Leak,
    /// <summary>The flow meter freezes at its last value.</summary>
    StuckFlowMeter,
}

/// <summary>
/// A centrifugal pump whose six sensors move together, the way a real one's do: a demand that cycles daily and wanders
/// drives speed, flow, pressure (with the square of the load), motor current, vibration (with the square of speed)
/// and a temperature that follows the load with a lag. Each <see cref="PumpFault"/> breaks one relationship while
/// every sensor stays inside its usual range — the faults a per-sensor detector is slow to see.
/// </summary>
public static class PumpScenario
{
    public static readonly string[] SensorNames = ["speed_rpm", "flow_m3h", "pressure_bar", "current_a", "vibration_mms", "temperature_c"];

    /// <summary>One minute a row.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <paramref name="rows"/> rows from 2026-03-02; the fault (if any) from 60 % to 70 % of the rows. Returns the
    /// timestamps, one array of the six values per row, and the rows the fault covers.
    /// </summary>
    public static (DateTime[] Timestamps, double[][] Rows, bool[] Faulty) Generate(PumpFault fault, int rows, int seed)
    {
        var random = new Random(seed);
        double Noise(double sigma) => sigma * Gaussian(random);
        var start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        var (onset, end) = ((int)(0.6 * rows), (int)(0.7 * rows));
        var timestamps = new DateTime[rows];
        var values = new double[rows][];
        var faulty = new bool[rows];
        var wander = 0.0;
        var heat = 0.6;
        double[]? frozen = null;
        for (var i = 0; i < rows; i++)
        {
            timestamps[i] = start + (i * Step);
            var minutes = i * Step.TotalMinutes;
            // Demand: a daily cycle plus a slow wander (mean-reverting), between about 0.3 and 0.95.
            wander += (-0.002 * wander) + Noise(0.004);
            var load = Math.Clamp(0.62 + (0.25 * Math.Sin(2 * Math.PI * minutes / 1440)) + wander, 0.2, 1.0);
            heat += (load - heat) / 30;
            var ambient = 22 + (3 * Math.Sin(2 * Math.PI * (minutes - 480) / 1440));

            var on = fault != PumpFault.None && i >= onset && i < end;
            var progress = on ? (double)(i - onset) / (end - onset) : 0;
            faulty[i] = on;
            var speed = (1480 * (0.7 + (0.3 * load))) + Noise(3);
            var flow = (120 * load) + Noise(1.2);
            var pressure = 2 + (4 * load * load) + Noise(0.04);
            var current = 20 + (40 * load) + Noise(0.4);
            var vibration = 1.4 + Math.Pow(speed / 1480, 2) + Noise(0.06);
            var temperature = ambient + (25 * heat) + Noise(0.25);
            switch (fault)
            {
                case PumpFault.EfficiencyLoss when on:
                    current *= 1.10;
                    break;
                case PumpFault.Bearing when on:
                    vibration += 0.35;
                    break;
                case PumpFault.CoolingLoss when on:
                    temperature += 6 * progress;
                    break;
                case PumpFault.PressureSensorDrift when on:
                    pressure -= 0.35 * Math.Min(1, 2 * progress);
                    break;
                case PumpFault.Leak when on:
                    flow *= 1.06;
                    pressure -= 0.3;
                    break;
                case PumpFault.StuckFlowMeter when on:
                    frozen ??= values[i - 1];
                    flow = frozen[1];
                    break;
            }

            values[i] = [speed, flow, pressure, current, vibration, temperature];
        }

        return (timestamps, values, faulty);
    }

    private static double Gaussian(Random random)
    {
        // Box–Muller: the simulation needs normal noise, not uniform.
        var u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
