using SmartMaintenance.Detection;

namespace SmartMaintenance.Tests.Detection;

public sealed class RobustZScoreDetectorTests
{
    private static double[] Noise(int count, double level, double amplitude, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => level + ((random.NextDouble() - 0.5) * 2 * amplitude))];
    }

    [Fact]
    public void Noise_stays_below_the_threshold_and_a_spike_goes_far_above_it()
    {
        var detector = new RobustZScoreDetector();
        var quiet = Noise(2000, 50, 1, seed: 7).Select(detector.Update).ToArray();
        Assert.True(quiet.Max() < detector.Threshold, $"max z on noise was {quiet.Max():0.00}");

        var spike = detector.Update(80);
        Assert.True(spike > 3 * detector.Threshold, $"spike z was {spike:0.00}");
        Assert.True(detector.ScoreOf(spike) > 0.9);
    }

    [Fact]
    public void One_spike_barely_moves_the_baseline()
    {
        var detector = new RobustZScoreDetector();
        foreach (var value in Noise(500, 10, 0.5, seed: 1))
        {
            detector.Update(value);
        }

        detector.Update(1000);
        var after = Noise(5, 10, 0.5, seed: 2).Select(detector.Update).ToArray();
        Assert.All(after, z => Assert.True(z < detector.Threshold, $"z after the spike was {z:0.00}"));
    }

    [Fact]
    public void A_lasting_level_shift_is_flagged_then_absorbed()
    {
        var detector = new RobustZScoreDetector();
        foreach (var value in Noise(500, 20, 0.5, seed: 3))
        {
            detector.Update(value);
        }

        var shifted = Noise(600, 30, 0.5, seed: 4).Select(detector.Update).ToArray();
        Assert.True(shifted[0] >= detector.Threshold);
        Assert.All(shifted[^100..], z => Assert.True(z < detector.Threshold, $"z long after the shift was {z:0.00}"));
    }

    [Fact]
    public void Nothing_is_scored_during_warm_up()
    {
        var detector = new RobustZScoreDetector(warmup: 30);
        var early = new[] { 1.0, 1000, -1000, 5 }.Select(detector.Update);
        Assert.All(early, z => Assert.Equal(0, z));
        Assert.False(detector.IsWarm);
    }
}
