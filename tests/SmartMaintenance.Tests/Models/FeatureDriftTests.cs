using SmartMaintenance.Models;

namespace SmartMaintenance.Tests.Models;

public sealed class FeatureDriftTests
{
    private static float[][] Sample(int count, int seed, double shift = 0, double scale = 1, int categories = 3, double[]? shares = null)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var u = random.NextDouble();
            var category = shares is null ? random.Next(categories) : Array.FindIndex(shares.Select((_, i) => shares.Take(i + 1).Sum()).ToArray(), c => u < c);
            return new[] { (float)(shift + (scale * gaussian)), category };
        })];
    }

    private static readonly IReadOnlyList<FeatureReference> Reference = FeatureReference.Of(["level", "kind"], Sample(20_000, 1));

    [Fact]
    public void A_fresh_sample_of_the_training_distribution_does_not_drift()
    {
        var results = FeatureDrift.Compare(Reference, Sample(5_000, 2));
        Assert.All(results, r => Assert.False(r.Drifted, $"{r.Feature}: PSI {r.Psi}, D {r.KsStatistic}"));
        Assert.All(results, r => Assert.True(r.Psi < 0.02 && r.KsStatistic < 0.03, $"{r.Feature}: PSI {r.Psi}, D {r.KsStatistic}"));
    }

    [Fact]
    public void A_shift_of_one_deviation_and_a_changed_mix_of_categories_drift()
    {
        var results = FeatureDrift.Compare(Reference, Sample(2_000, 3, shift: 1, shares: [0.7, 0.2, 0.1]));
        var level = results[0];
        var kind = results[1];
        Assert.True(level.Drifted && level.Psi > FeatureDrift.MajorShift, $"PSI {level.Psi}");
        Assert.InRange(level.KsStatistic, 0.33, 0.43); // Φ(0.5) − Φ(−0.5) = 0.383
        Assert.True(kind.Drifted, $"PSI {kind.Psi}, D {kind.KsStatistic}");
        Assert.True(kind.KsPValue < 1e-6);
    }

    [Fact]
    public void A_wider_spread_drifts_while_a_small_sample_of_the_same_stays_put()
    {
        Assert.True(FeatureDrift.Compare(Reference, Sample(3_000, 4, scale: 2))[0].Drifted);
        var small = FeatureDrift.Compare(Reference, Sample(50, 5))[0];
        Assert.False(small.Drifted);
        Assert.True(small.KsPValue > 0.01, $"p {small.KsPValue}");
    }
}
