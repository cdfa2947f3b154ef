using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

public sealed class StreamingAnomalyDetectorTests
{
    private static EnsembleScore[] Run(double[] values, DetectorSettings? settings = null)
    {
        var detector = new StreamingAnomalyDetector(settings);
        return [.. values.Select((v, i) => detector.Update(Synthetic.TimeOf(i), v))];
    }

    [Theory]
    [InlineData(Trouble.Spike, 3)]
    [InlineData(Trouble.LevelShift, 3)]
    [InlineData(Trouble.VarianceChange, 30)]
    [InlineData(Trouble.FrequencyChange, 30)]
    [InlineData(Trouble.FlatLine, 100)]
    public void Each_kind_of_trouble_alarms_soon_after_its_onset_and_not_before(Trouble trouble, int within)
    {
        var scores = Run(Synthetic.Signal(trouble));
        var before = Enumerable.Range(1000, Synthetic.Onset - 1000).Where(i => scores[i].Alarm).ToList();
        Assert.True(before.Count == 0, $"false alarms at rows {string.Join(", ", before)}");
        var first = Enumerable.Range(Synthetic.Onset, Synthetic.Rows - Synthetic.Onset).FirstOrDefault(i => scores[i].Alarm, -1);
        Assert.InRange(first - Synthetic.Onset, 0, within);
        Assert.True(scores[first].Score >= DetectorSettings.Default.FiringLevel && scores[first].Parts != DetectorParts.None, $"{scores[first]}");
    }

    [Fact]
    public void A_normal_signal_never_alarms()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var scores = Run(Synthetic.Signal(Trouble.None, seed));
            Assert.DoesNotContain(scores.Skip(900), s => s.Alarm);
        }
    }

    [Fact]
    public void Scores_depend_only_on_the_past()
    {
        var values = Synthetic.Signal(Trouble.LevelShift);
        var whole = Run(values);
        var prefix = Run(values[..(Synthetic.Onset + 50)]);
        Assert.Equal(prefix, whole[..prefix.Length]);
    }

    [Fact]
    public void One_event_alarms_once_per_hold_off_and_everything_else_stays_at_most_half_the_firing_level()
    {
        var scores = Run(Synthetic.Signal(Trouble.VarianceChange), new DetectorSettings(WarmUp: 750));
        var alarms = Enumerable.Range(0, scores.Length).Where(i => scores[i].Alarm).ToList();
        Assert.NotEmpty(alarms);
        Assert.All(alarms.Zip(alarms.Skip(1)), pair => Assert.True(pair.Second - pair.First > 150, $"alarms at {pair.First} and {pair.Second}"));
        Assert.All(scores.Where(s => !s.Alarm), s => Assert.True(s.Score <= 0.5 * DetectorSettings.Default.FiringLevel, $"{s}"));
        Assert.All(scores.Where(s => s.Alarm), s => Assert.True(s.Score >= DetectorSettings.Default.FiringLevel, $"{s}"));
    }

    [Fact]
    public void A_detector_restored_from_its_snapshot_judges_exactly_as_one_that_never_stopped()
    {
        var values = Synthetic.Signal(Trouble.LevelShift);
        var whole = Run(values);
        var first = new StreamingAnomalyDetector();
        for (var i = 0; i < 3000; i++)
        {
            first.Update(Synthetic.TimeOf(i), values[i]);
        }

        // Through JSON as the grain storage keeps it (NaN for a part with no opinion yet included).
        var json = System.Text.Json.JsonSerializer.Serialize(first.Snapshot(), SmartMaintenance.Storage.Sqlite.SqliteGrainStorage.JsonOptions);
        var state = System.Text.Json.JsonSerializer.Deserialize<DetectorState>(json, SmartMaintenance.Storage.Sqlite.SqliteGrainStorage.JsonOptions)!;
        var restored = StreamingAnomalyDetector.Restore(state);

        var rest = Enumerable.Range(3000, values.Length - 3000).Select(i => restored.Update(Synthetic.TimeOf(i), values[i])).ToArray();
        Assert.Equal(whole[3000..], rest);
        Assert.Contains(rest, s => s.Alarm);
    }

    [Fact]
    public void Sensitivity_moves_the_firing_level()
    {
        Assert.Equal(0.6, DetectorSettings.Default.FiringLevel, 9);
        Assert.Equal(0.8, new DetectorSettings(Sensitivity: 0).FiringLevel, 9);
        Assert.Equal(0.4, new DetectorSettings(Sensitivity: 1).FiringLevel, 9);
        Assert.Equal(0.4, new DetectorSettings(Sensitivity: 7).FiringLevel, 9);
    }

    [Fact]
    public void Non_finite_values_are_ignored()
    {
        var detector = new StreamingAnomalyDetector();
        Assert.Equal(default, detector.Update(0, double.NaN));
        Assert.Equal(default, detector.Update(0, double.PositiveInfinity));
        Assert.Equal(0, detector.Count);
    }

    [Fact]
    public void State_per_stream_is_a_few_kilobytes()
    {
        var detector = new StreamingAnomalyDetector();
        foreach (var (value, i) in Synthetic.Signal(Trouble.None).Select((v, i) => (v, i)))
        {
            detector.Update(Synthetic.TimeOf(i), value);
        }

        Assert.InRange(detector.StateBytes, 8_000, 16_000);
    }
}
