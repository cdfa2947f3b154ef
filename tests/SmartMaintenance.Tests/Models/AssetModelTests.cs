using SmartMaintenance.Domain;
using SmartMaintenance.Models;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Simulation;

namespace SmartMaintenance.Tests.Models;

public sealed class AssetModelTests
{
    private static readonly BoostingOptions Small = new() { Trees = 40, Leaves = 8 };

    // One small model shared by the tests that only read it (training takes a second or two).
    private static readonly Lazy<(AssetFeatures Features, List<AssetHistory> Histories, AssetModel Model)> Trained = new(() =>
    {
        var features = RunToFailure.FeaturesOf("pump");
        var histories = RunToFailure.Generate("pump", 30, seed: 3).ToList();
        var samples = histories.Take(24).SelectMany(h => h.Samples(features, AssetModel.SampleStep, AssetModel.DefaultCapHours)).ToList();
        return (features, histories, AssetModel.Train(features, samples, Small));
    });

    [Fact]
    public void Simulated_histories_are_the_same_for_a_seed_and_fail_when_the_leading_sensor_reaches_its_limit()
    {
        var first = RunToFailure.Generate("compressor", 3, seed: 5).ToList();
        var again = RunToFailure.Generate("compressor", 3, seed: 5).ToList();
        var other = RunToFailure.Generate("compressor", 3, seed: 6).ToList();
        Assert.Equal(first.Select(h => h.Minutes[0][500].Mean), again.Select(h => h.Minutes[0][500].Mean));
        Assert.NotEqual(first.Select(h => h.Minutes[0][500].Mean), other.Select(h => h.Minutes[0][500].Mean));

        foreach (var history in first)
        {
            Assert.Equal(history.EndMicros, history.FailedAtMicros);
            // Healthy at the start: every sensor's first day inside its range. At the end one sensor's last hour sits at a limit.
            for (var s = 0; s < history.Sensors.Count; s++)
            {
                var sensor = history.Sensors[s];
                Assert.All(history.Minutes[s].Take(1440), m => Assert.InRange(m.Mean, sensor.ExpectedMin!.Value, sensor.ExpectedMax!.Value));
            }

            // The leading sensor's daily peak touches its limit at failure: its mean is within the daily swing of it.
            var profile = DemoFleet.SensorsOf("x", "compressor");
            Assert.Contains(Enumerable.Range(0, history.Sensors.Count), s =>
            {
                var sensor = history.Sensors[s];
                var lastHour = history.Hours[s][^1].Mean;
                var margin = (0.05 * (sensor.ExpectedMax!.Value - sensor.ExpectedMin!.Value)) + (3 * profile[s].DailyAmplitude);
                return lastHour >= sensor.ExpectedMax.Value - margin || lastHour <= sensor.ExpectedMin.Value + margin;
            });
        }
    }

    [Fact]
    public void Hour_roll_ups_of_minute_roll_ups_pool_counts_means_and_variances_exactly()
    {
        var random = new Random(2);
        var values = Enumerable.Range(0, 180 * 4).Select(_ => random.NextDouble() * 10).ToArray();
        // Four readings a minute for three hours, rolled up by minute and then by hour, against the hour computed from the readings.
        var minutes = Enumerable.Range(0, 180).Select(m =>
        {
            var v = values.Skip(m * 4).Take(4).ToArray();
            var mean = v.Average();
            return new RollupPoint(m * UnixMicros.PerMinute, 4, v.Min(), v.Max(), mean, v.Average(x => (x - mean) * (x - mean)));
        }).ToArray();

        var hours = AssetHistory.HoursOf(minutes);
        Assert.Equal(3, hours.Length);
        for (var h = 0; h < 3; h++)
        {
            var v = values.Skip(h * 240).Take(240).ToArray();
            var mean = v.Average();
            Assert.Equal(h * UnixMicros.PerHour, hours[h].BucketStartMicros);
            Assert.Equal(240, hours[h].Count);
            Assert.Equal(mean, hours[h].Mean, 9);
            Assert.Equal(v.Average(x => (x - mean) * (x - mean)), hours[h].Variance, 9);
            Assert.Equal(v.Max(), hours[h].Max);
        }
    }

    [Fact]
    public void Samples_start_after_a_week_are_labelled_min_rul_cap_and_an_unfailed_history_keeps_only_known_labels()
    {
        var history = Trained.Value.Histories[0];
        var times = history.SampleTimes(AssetModel.SampleStep, 336).ToList();
        var start = history.Minutes[0][0].BucketStartMicros;
        Assert.All(times, t => Assert.True(t.AtMicros >= start + AssetHistory.HistoryMicros));
        Assert.All(times, t => Assert.Equal(Math.Min(336, (history.FailedAtMicros!.Value - t.AtMicros) / (double)UnixMicros.PerHour), t.RulHours, 9));
        // The last two days are sampled hourly.
        Assert.Equal(Enumerable.Range(1, 48).Select(h => (double)h).Reverse(), times.Where(t => t.RulHours <= 48).Select(t => Math.Round(t.RulHours, 6)));

        var unfailed = history with { FailedAtMicros = null };
        var known = unfailed.SampleTimes(AssetModel.SampleStep, 336).ToList();
        Assert.All(known, t => Assert.Equal(336, t.RulHours));
        Assert.All(known, t => Assert.True(history.EndMicros - t.AtMicros >= 336 * UnixMicros.PerHour));
    }

    [Fact]
    public void The_features_read_the_same_whatever_a_sensors_unit_and_offset_and_are_missing_without_its_type()
    {
        var history = Trained.Value.Histories[1];
        var features = Trained.Value.Features;
        var at = history.SampleTimes(AssetModel.SampleStep, 336).Last().AtMicros;
        var row = features.Row(history.WindowsAt(at));

        // The same pump measured in other units (×1000 and shifted by 1e6 on every sensor, limits included).
        static RollupPoint Scaled(RollupPoint p) => p with { Mean = (p.Mean * 1000) + 1e6, Min = (p.Min * 1000) + 1e6, Max = (p.Max * 1000) + 1e6, Variance = p.Variance * 1e6 };
        var rescaled = history with
        {
            Sensors = [.. history.Sensors.Select(s => s with { ExpectedMin = (s.ExpectedMin * 1000) + 1e6, ExpectedMax = (s.ExpectedMax * 1000) + 1e6 })],
            Minutes = [.. history.Minutes.Select(m => m.Select(Scaled).ToArray())],
            Hours = [.. history.Hours.Select(h => h.Select(Scaled).ToArray())],
        };
        var again = features.Row(rescaled.WindowsAt(at));
        for (var f = 0; f < row.Length; f++)
        {
            Assert.Equal(row[f], again[f], 2e-3f * Math.Max(1, Math.Abs(row[f])));
        }

        // Without its vibration sensor the vibration features are missing, and the model reads them as their training medians.
        var names = features.Names();
        var noVibration = features.Row([.. history.WindowsAt(at).Where(w => w.Sensor.Type != "vibration")]);
        Assert.All(Enumerable.Range(0, names.Count).Where(f => names[f].StartsWith("vibration.", StringComparison.Ordinal)),
            f => Assert.True(float.IsNaN(noVibration[f])));
        var model = Trained.Value.Model;
        var completed = model.Complete(noVibration);
        Assert.All(Enumerable.Range(0, names.Count), f => Assert.Equal(float.IsNaN(noVibration[f]) ? model.Fill[f] : noVibration[f], completed[f]));
    }

    [Fact]
    public void On_unseen_histories_risk_rises_and_rul_falls_towards_failure_and_shap_adds_up_to_the_margin()
    {
        var (features, histories, model) = Trained.Value;
        var explainer = new TreeExplainer(model.Failure.Trees);
        var early = new List<AssetAssessment>();
        var late = new List<AssetAssessment>();
        foreach (var history in histories.Skip(24))
        {
            foreach (var (at, rul) in history.SampleTimes(AssetModel.SampleStep, 336))
            {
                var row = model.Complete(features.Row(history.WindowsAt(at)));
                var assessment = model.Assess(row);
                Assert.InRange(assessment.RulHours, 0, model.CapHours);
                Assert.Equal(model.Failure.Trees.Predict(row), explainer.BaseValue + explainer.Explain(row).Sum(), 6);
                (rul >= 200 ? early : rul <= 24 ? late : []).Add(assessment);
            }
        }

        Assert.NotEmpty(early);
        Assert.NotEmpty(late);
        Assert.True(late.Average(a => a.FailureProbability) > 0.7, $"mean risk in the last day {late.Average(a => a.FailureProbability):F2}");
        Assert.True(early.Average(a => a.FailureProbability) < 0.2, $"mean risk 200 h or more out {early.Average(a => a.FailureProbability):F2}");
        Assert.True(late.Average(a => a.RulHours) < early.Average(a => a.RulHours) - 100,
            $"mean RUL predicted in the last day {late.Average(a => a.RulHours):F0} h, 200 h or more out {early.Average(a => a.RulHours):F0} h");
    }

    [Fact]
    public void An_artifact_round_trips_and_a_model_whose_medians_do_not_fit_its_features_is_refused()
    {
        var (features, histories, _) = Trained.Value;
        var trained = AssetModelTraining.Train(features, histories.Take(12).ToList(), Small);
        var path = Path.Combine(Path.GetTempPath(), $"asset-{Guid.NewGuid():N}.zip");
        try
        {
            var (zip, manifest) = AssetModelTraining.Pack(trained, Small, RunToFailure.Fingerprint("pump", 12, 3), "test");
            ModelArtifact.WriteFile(path, zip);
            Assert.Equal(AssetModel.Kind, manifest.Kind);
            Assert.Equal(features.Names(), manifest.Features);
            Assert.Equal("temperature,vibration,current,pressure", manifest.Parameters["sensor_types"]);
            Assert.Equal(features.Count, manifest.Reference.Count);
            var (loaded, _) = ModelArtifact.Load<AssetModel>(path, AssetModel.Kind);
            var row = features.Row(histories[20].WindowsAt(histories[20].SampleTimes(AssetModel.SampleStep, 336).Last().AtMicros));
            Assert.Equal(trained.Model.Assess(row), loaded.Assess(row));

            ModelArtifact.Save(path, AssetModel.Kind, trained.Model with { Fill = [1, 2] }, "f", new Dictionary<string, string>());
            Assert.Contains("medians", Assert.Throws<InvalidDataException>(() => ModelArtifact.Load<AssetModel>(path, AssetModel.Kind)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
