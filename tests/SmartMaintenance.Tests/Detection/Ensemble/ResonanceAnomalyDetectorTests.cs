using System.Text.Json;

using SmartMaintenance.Detection.Ensemble;
using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

public sealed class ResonanceAnomalyDetectorTests
{
    [Fact]
    public void A_detector_restored_from_its_saved_state_goes_on_exactly_as_one_that_never_stopped()
    {
        var values = Synthetic.Signal(Trouble.LevelShift);
        var (min, max) = (values.Min(), values.Max());
        var whole = new ResonanceAnomalyDetector(min, max, probation: 750, maxCategories: 64);
        var expected = values.Select(whole.Update).ToArray();

        // Saved inside the probation and again after it, each time through JSON as grain storage keeps it.
        var detector = new ResonanceAnomalyDetector(min, max, probation: 750, maxCategories: 64);
        var scores = new List<double>();
        foreach (var (from, to) in new[] { (0, 400), (400, 3000), (3000, values.Length) })
        {
            scores.AddRange(values[from..to].Select(detector.Update));
            var json = JsonSerializer.Serialize(detector.Snapshot());
            detector = ResonanceAnomalyDetector.Restore(JsonSerializer.Deserialize<ResonanceState>(json)!);
        }

        Assert.Equal(expected, scores);
        Assert.Contains(expected[Synthetic.Onset..(Synthetic.Onset + 100)], s => s > 0);
    }

    [Fact]
    public void A_bound_on_the_categories_holds_and_the_detector_still_sees_the_trouble()
    {
        var values = Synthetic.Signal(Trouble.Spike);
        var detector = new ResonanceAnomalyDetector(values.Min(), values.Max(), probation: 750, maxCategories: 24);

        var scores = values.Select(detector.Update).ToArray();

        Assert.Equal(24, detector.Categories);
        Assert.True(Synthetic.Max(scores, Synthetic.Onset, Synthetic.Onset + 20) > Synthetic.Max(scores, 1500, Synthetic.Onset));
        Assert.InRange(detector.StateBytes, 24 * 256, 64 * 1024);
    }

    [Fact]
    public void A_state_of_other_settings_is_refused()
    {
        var state = new ResonanceAnomalyDetector(0, 1, probation: 300).Snapshot();

        Assert.Throws<ArgumentException>(() => ResonanceAnomalyDetector.Restore(state with { Sample = new double[state.Sample.Length + 1] }));
        Assert.Throws<ArgumentException>(() => ResonanceAnomalyDetector.Restore(state with { Similarities = [1.0] }));
    }
}
