using SmartMaintenance.Detection.Ensemble;

namespace SmartMaintenance.Tests.Detection.Ensemble;

public sealed class AnomalyLikelihoodTests
{
    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.959964, 0.025)]
    [InlineData(-1.959964, 0.975)]
    [InlineData(5, 2.866516e-7)]
    public void Gaussian_tail_matches_the_tables(double z, double tail)
    {
        Assert.Equal(tail, Gaussian.UpperTail(z), tail * 1e-5);
    }

    [Fact]
    public void A_stream_that_is_always_somewhat_surprised_stays_calm_and_a_jump_in_surprise_does_not()
    {
        var likelihood = new AnomalyLikelihood(window: 5, history: 2000, learningPeriod: 300);
        var random = new Random(5);
        var calm = Enumerable.Range(0, 3000).Select(_ => likelihood.Update(0.3 + (0.1 * random.NextDouble()))).ToArray();
        Assert.True(calm.Skip(300).Max() < 0.3, $"calm max {calm.Skip(300).Max():0.00}");

        var alarmed = Enumerable.Range(0, 5).Select(_ => likelihood.Update(0.95)).Max();
        Assert.True(alarmed > 0.9, $"likelihood after the jump was {alarmed:0.00}");
    }

    [Fact]
    public void Nothing_is_judged_while_learning_and_no_opinion_is_not_learned()
    {
        var likelihood = new AnomalyLikelihood(window: 5, history: 2000, learningPeriod: 10);
        Assert.All(Enumerable.Range(0, 10).Select(_ => likelihood.Update(1)), s => Assert.Equal(0, s));
        Assert.Equal(0, likelihood.Update(double.NaN));
        Assert.Equal(10, likelihood.Count);
    }
}
