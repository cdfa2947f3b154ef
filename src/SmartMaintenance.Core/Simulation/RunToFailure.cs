using SmartMaintenance.Domain;
using SmartMaintenance.Models.Assets;

namespace SmartMaintenance.Simulation;

/// <summary>
/// Run-to-failure histories of simulated assets of one kind, seeded: the demo fleet's sensor profile of the kind,
/// each unit with its own baselines, daily swing, noise (a minute's mean of 1 to 30 readings) and the simulator's brief random excursions, healthy for one
/// to two weeks, then wearing out over one to fourteen days — one sensor (the failure's mode: vibration, temperature,
/// current or pressure) heading for its limit with accelerating speed, others following it part of the way, the
/// signals roughening — until the leading sensor's mean reaches its limit: the failure.
/// </summary>
public static class RunToFailure
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The features an asset model of the kind reads: one set per sensor type the kind's profile carries.</summary>
    public static AssetFeatures FeaturesOf(string kind) => new([.. DemoFleet.SensorsOf("profile", kind).Select(s => s.Type).Distinct()]);

    /// <summary>What a model trained on these histories learned from, as a manifest records it.</summary>
    public static string Fingerprint(string kind, int units, int seed) => Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"run-to-failure simulation v1|{kind}|{units}|{seed}")));

    /// <summary>
    /// An asset model of the kind trained on <paramref name="units"/> seeded histories (validated over
    /// <paramref name="folds"/> when ≥ 2), packed as an artifact that names the simulation it learned from. Cancellation
    /// is looked at between histories and fits.
    /// </summary>
    public static (TrainedAssetModel Trained, byte[] Zip) TrainModel(string kind, int units, int seed, int folds, CancellationToken cancellationToken = default)
    {
        var options = AssetModelTraining.Options;
        var features = FeaturesOf(kind);
        // Each history is sampled as it is generated and then let go: only the samples stay in memory.
        IReadOnlyList<IReadOnlyList<AssetSample>> byHistory = [.. Generate(kind, units, seed).Select(h =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return AssetModelTraining.SamplesOf(features, h);
        })];
        var trained = AssetModelTraining.Train(features, byHistory, options, folds, seed, cancellationToken);
        var (zip, _) = AssetModelTraining.Pack(trained, options, Fingerprint(kind, units, seed), $"simulated run-to-failure histories (seed {seed})");
        return (trained, zip);
    }

    public static IEnumerable<AssetHistory> Generate(string kind, int units, int seed)
    {
        for (var unit = 0; unit < units; unit++)
        {
            yield return Unit(kind, unit, new Random(Seed(seed, kind, unit)));
        }
    }

    // Stable across processes (string.GetHashCode is not): the same seed gives the same histories everywhere.
    private static int Seed(int seed, string kind, int unit) =>
        unchecked((seed * 1_000_003) + kind.Aggregate(17, (h, c) => (h * 31) + c) + (unit * 7919));

    private static AssetHistory Unit(string kind, int unit, Random random)
    {
        double Uniform(double low, double high) => low + ((high - low) * random.NextDouble());
        var profile = DemoFleet.SensorsOf($"sim-{kind}-{unit}", kind);
        var healthyMinutes = (int)Uniform(7 * 1440, 14 * 1440);
        var wearMinutes = (int)Uniform(1 * 1440, 14 * 1440);
        var total = healthyMinutes + wearMinutes;
        var shape = Uniform(1, 3);
        var roughening = Uniform(0, 3);
        var leading = random.Next(profile.Count(s => s.Type != "speed"));
        var start = UnixMicros.From(Epoch.AddMinutes(random.Next(1440)));

        var minutes = new RollupPoint[profile.Count][];
        var sensors = new List<Sensor>(profile.Count);
        var transients = Transients(total, random);
        for (var s = 0; s < profile.Count; s++)
        {
            var p = profile[s];
            sensors.Add(new Sensor(s + 1, 0, p.SensorId, p.AssetId, p.Type, p.Unit, p.ExpectedMin, p.ExpectedMax, p.SampleIntervalSeconds, false, Epoch));
            var baseline = p.Baseline * (1 + (0.03 * Gaussian(random)));
            var amplitude = p.DailyAmplitude * Uniform(0.5, 1.5);
            // A minute's mean of n readings has 1/√n of a reading's noise: n from 1 (one reading a minute, as the demo's
            // back-fill) to 30 (a sensor sampled every 2 s), log-uniform — sampling rates differ by orders of magnitude.
            var noise = p.Noise / Math.Sqrt(Math.Exp(Uniform(0, Math.Log(30))));
            // Wear moves a sensor towards the limit it fails at: pressure falls (leaks, worn impellers), speed sags,
            // the rest rise. The leading sensor gets all the way there; a follower part of the way, or not at all.
            var falls = p.Type is "pressure" or "speed";
            var distance = (falls ? p.ExpectedMin - baseline : p.ExpectedMax - baseline) - (falls ? -amplitude : amplitude);
            var share = s == leading ? 1 : random.NextDouble() < 0.6 ? Uniform(0.1, 0.5) : 0;
            var excursion = p.Type == "vibration" ? p.Baseline : p.Noise * 4;
            var perMinute = (long)Math.Max(1, Math.Round(60 / p.SampleIntervalSeconds));
            var series = new RollupPoint[total];
            for (var m = 0; m < total; m++)
            {
                var at = start + (m * UnixMicros.PerMinute);
                var hour = UnixMicros.ToDateTimeOffset(at).TimeOfDay.TotalHours;
                var wear = m < healthyMinutes ? 0 : Math.Pow((m - healthyMinutes + 1) / (double)wearMinutes, shape);
                var sigma = noise * (1 + (roughening * wear * (share > 0 ? 1 : 0)));
                var mean = baseline + (amplitude * Math.Sin(2 * Math.PI * (hour - 9) / 24)) + (share * wear * distance)
                    + (sigma * Gaussian(random)) + (transients.TryGetValue(m, out var magnitude) ? magnitude * excursion : 0);
                series[m] = new RollupPoint(at, perMinute, mean - (2 * sigma), mean + (2 * sigma), mean, sigma * sigma);
            }

            minutes[s] = series;
        }

        var end = start + (total * UnixMicros.PerMinute);
        return new AssetHistory(profile[0].AssetId, sensors, minutes, [.. minutes.Select(AssetHistory.HoursOf)], end, end);
    }

    // The demo fleet's random fault episodes: about one every two days, two to ten minutes of a shift of 0.5–1.5.
    private static Dictionary<int, double> Transients(int total, Random random)
    {
        var shifted = new Dictionary<int, double>();
        for (var count = total / (2 * 1440); count > 0; count--)
        {
            var from = random.Next(total);
            var magnitude = 0.5 + random.NextDouble();
            for (var m = from; m < Math.Min(total, from + 2 + random.Next(9)); m++)
            {
                shifted[m] = magnitude;
            }
        }

        return shifted;
    }

    private static double Gaussian(Random random)
    {
        var u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
