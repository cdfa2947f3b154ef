using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Tests.Models;

/// <summary>Tests that count the process's garbage collections: run alone, so no other test's work is counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GarbageCollectionCounting
{
    public const string Name = "Counts garbage collections";
}

[Collection(GarbageCollectionCounting.Name)]
public sealed class BoostedTreesTrainerTests
{
    /// <summary>
    /// ML.NET's FastTree forces three blocking full collections per training unless told otherwise; a server that trains
    /// in the background must not stop every thread that often. A full collection may still happen by itself, hence at
    /// most one over both trainings (forced ones would make at least six).
    /// </summary>
    [Fact]
    public void Training_forces_no_full_garbage_collection()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 2_000).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        var values = rows.Select(r => (3 * r[0]) - r[1]).ToArray();
        var labels = rows.Select(r => r[0] > 0.5).ToArray();
        var options = new BoostingOptions { Trees = 20 };
        string[] names = ["a", "b"];

        var before = GC.CollectionCount(2);
        var regression = BoostedTreesTrainer.FitRegression(rows, values, names, options);
        var binary = BoostedTreesTrainer.FitBinary(rows, labels, names, options);
        var collections = GC.CollectionCount(2) - before;

        Assert.True(collections <= 1, $"{collections} full collections during two small trainings");
        // And the trainings still learned: the settings that stop the collections change nothing else.
        Assert.InRange(regression.Predict([0.9f, 0.1f]) - regression.Predict([0.1f, 0.1f]), 1.5, 3);
        Assert.True(binary.Probability([0.9f, 0.5f]) > 0.9 && binary.Probability([0.1f, 0.5f]) < 0.1);
    }
}
