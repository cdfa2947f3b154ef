using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Detection.Multivariate;

/// <summary>How a detector's row flags compare with a scenario's fault rows, counted after the training rows.</summary>
public sealed record FlagCounts(int TruePositives, int FalsePositives, int FalseNegatives, int NormalRows, int FalseAlarmEpisodes, int? Delay)
{
    public bool Caught => Delay is not null;

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Flagged rows among the rows without a fault.</summary>
    public double FalseAlarmRate => NormalRows == 0 ? 0 : (double)FalsePositives / NormalRows;

    public static FlagCounts Of(bool[] flags, bool[] faulty, int from)
    {
        var (tp, fp, fn, normal, episodes) = (0, 0, 0, 0, 0);
        int? delay = null;
        var onset = Array.IndexOf(faulty, true);
        for (var i = from; i < flags.Length; i++)
        {
            normal += faulty[i] ? 0 : 1;
            (tp, fp, fn) = (flags[i], faulty[i]) switch
            {
                (true, true) => (tp + 1, fp, fn),
                (true, false) => (tp, fp + 1, fn),
                (false, true) => (tp, fp, fn + 1),
                _ => (tp, fp, fn),
            };
            if (flags[i] && !faulty[i] && (i == from || !flags[i - 1] || faulty[i - 1]))
            {
                episodes++;
            }

            if (flags[i] && faulty[i] && delay is null)
            {
                delay = i - onset;
            }
        }

        return new FlagCounts(tp, fp, fn, normal, episodes, delay);
    }
}

/// <summary>
/// One scenario's result for the asset-health detector and for per-sensor detection on every column: the ensemble
/// (<see cref="PerSensor"/>) and the product's sensor monitor with its resonance detector (<see cref="PerSensorResonance"/>).
/// </summary>
public sealed record ScenarioResult(PumpFault Fault, int Seed, FlagCounts AssetHealth, FlagCounts PerSensor, FlagCounts PerSensorResonance);

/// <summary>
/// Runs the simulated pump's faults through the asset-health detector and, for comparison, through the per-sensor
/// streaming detector on each column (a row flagged when any column's evidence reaches its firing level), both
/// learning from the same first two days.
/// </summary>
public static class AssetHealthEvaluation
{
    /// <summary>A week at one row a minute.</summary>
    public const int Rows = 7 * 1440;

    /// <summary>The first two days are the period known to be normal.</summary>
    public const int TrainRows = 2 * 1440;

    public static IReadOnlyList<ScenarioResult> Run(IEnumerable<int> seeds) =>
        [.. from fault in Enum.GetValues<PumpFault>() from seed in seeds select RunOne(fault, seed)];

    public static ScenarioResult RunOne(PumpFault fault, int seed)
    {
        var (timestamps, rows, faulty) = PumpScenario.Generate(fault, Rows, seed);
        var sensors = rows[0].Length;
        var health = new AssetHealthDetector(sensors, TrainRows);
        var settings = new DetectorSettings(WarmUp: TrainRows);
        var columns = Enumerable.Range(0, sensors).Select(_ => new StreamingAnomalyDetector(settings)).ToArray();
        var monitors = Enumerable.Range(0, sensors).Select(s => new SensorSignalMonitor(new Domain.Sensor(s + 1, 1, PumpScenario.SensorNames[s], "pump",
            PumpScenario.SensorNames[s], "", null, null, PumpScenario.Step.TotalSeconds, false, default), settings)).ToArray();
        var healthFlags = new bool[rows.Length];
        var sensorFlags = new bool[rows.Length];
        var monitorFlags = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            healthFlags[i] = health.Update(rows[i]).Abnormal;
            var micros = Nab.NabDetection.ToMicros(timestamps[i]);
            for (var s = 0; s < sensors; s++)
            {
                var verdict = columns[s].Update(micros, rows[i][s]);
                sensorFlags[i] |= verdict.Evidence >= columns[s].FiringLevel;
                // The monitor's own judgement of the reading: a resonance score at the reporting level, or a spike.
                monitorFlags[i] |= monitors[s].Observe(new Domain.Reading(s + 1, micros, rows[i][s], Domain.ReadingQuality.Good)).Abnormal;
            }
        }

        return new ScenarioResult(fault, seed, FlagCounts.Of(healthFlags, faulty, TrainRows), FlagCounts.Of(sensorFlags, faulty, TrainRows),
            FlagCounts.Of(monitorFlags, faulty, TrainRows));
    }

    /// <summary>Cycles of each training unit taken as its healthy start.</summary>
    public const int CmapssHealthyCycles = 30;

    /// <summary>
    /// C-MAPSS degradation onsets, which have no label: one model fitted on the first <see cref="CmapssHealthyCycles"/>
    /// cycles of the first half of the units (all 21 sensors), then every unit of the other half scored cycle by cycle
    /// by a fresh detector on that model. Returns, per scored unit, its cycles and the cycle index first flagged (null
    /// when never); every unit runs to failure, so an early flag is a false alarm and a late one little warning.
    /// </summary>
    public static IReadOnlyList<(int Unit, int Cycles, int? FirstFlag)> Cmapss(string trainFile)
    {
        var units = CmapssData.Read(trainFile)
            .Select(u => (Unit: int.Parse(u.Id, System.Globalization.CultureInfo.InvariantCulture), Rows: u.Cycles.Select(c => c.Sensors).ToArray())).ToList();
        var half = units.Count / 2;
        var model = AssetHealthModel.Fit([.. units.Take(half).SelectMany(u => u.Rows.Take(CmapssHealthyCycles))]);
        return [.. units.Skip(half).Select(u =>
        {
            var detector = new AssetHealthDetector(model);
            var first = Array.FindIndex(u.Rows, row => detector.Update(row).Abnormal);
            return (u.Unit, u.Rows.Length, first < 0 ? (int?)null : first);
        })];
    }
}
