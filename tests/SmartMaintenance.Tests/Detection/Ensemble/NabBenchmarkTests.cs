using SmartMaintenance.Detection.Nab;

namespace SmartMaintenance.Tests.Detection.Ensemble;

/// <summary>The ensemble on the shipped NAB series it was designed on (one configuration, probation respected): a regression guard, not a claim about unseen data.</summary>
public sealed class NabBenchmarkTests
{
    [Fact]
    public void The_ensemble_keeps_the_scores_it_was_designed_for_on_the_shipped_series()
    {
        var root = NabData.Root();
        var corpus = NabCorpus.Load(Path.Combine(root, "data"), Path.Combine(root, "labels", "combined_windows.json"));
        var scores = corpus.Select(s => (IReadOnlyList<double>)NabDetection.Run(s)).ToList();

        Assert.All(scores, file => Assert.All(file, s => Assert.InRange(s, 0, 1)));
        Assert.True(NabScorer.Score(corpus, scores, NabProfile.Standard).Normalized >= 68);
        Assert.True(NabScorer.Score(corpus, scores, NabProfile.RewardLowFalsePositives).Normalized >= 59);
        Assert.True(NabScorer.Score(corpus, scores, NabProfile.RewardLowFalseNegatives).Normalized >= 73);
    }
}
