using SmartMaintenance.Models.Failure;
using SmartMaintenance.Models.Rul;
using SmartMaintenance.Models.Trees;
using SmartMaintenance.Tests.Detection;

namespace SmartMaintenance.Tests.Models;

public sealed class TreeExplainerTests
{
    [Fact]
    public void On_small_random_trees_the_values_equal_brute_force_shapley_values()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 40; trial++)
        {
            const int features = 5;
            var ensemble = new TreeEnsemble(random.NextDouble(), [.. Enumerable.Range(0, 3).Select(_ => RandomTree(random, features, depth: 4))],
                [.. Enumerable.Range(0, features).Select(f => $"f{f}")]);
            var row = Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray();

            var phi = new TreeExplainer(ensemble).Explain(row);
            var exact = BruteForce(ensemble, row);
            for (var f = 0; f < features; f++)
            {
                Assert.Equal(exact[f], phi[f], 9);
            }
        }
    }

    [Fact]
    public void A_rul_models_contributions_and_base_value_add_up_to_its_prediction_on_every_row()
    {
        var units = CmapssData.Read(Path.Combine(SharedData.Folder("cmapss", "SMX_CMAPSS_DIR"), "train_FD001.txt"));
        var model = RulModel.Train([.. units.Take(30)], new BoostingOptions { Trees = 100 });
        var explainer = new TreeExplainer(model.Trees);

        foreach (var row in units.Skip(30).Take(10).SelectMany(model.Features.Rows))
        {
            Assert.Equal(model.Trees.Predict(row), explainer.BaseValue + explainer.Explain(row).Sum(), 6);
        }
    }

    [Fact]
    public void A_classifiers_contributions_add_up_to_its_margin_and_the_mechanism_feature_leads()
    {
        var records = MachineRecords.Read(Path.Combine(SharedData.Folder("ai4i2020", "SMX_AI4I_DIR"), "ai4i2020.csv"));
        var model = FailureModel.Train(records, FailureModel.Options with { Trees = 100 });
        var power = model.Modes[2];
        var explainer = new TreeExplainer(power.Trees);

        foreach (var record in records.Where(r => r.Modes![2]).Take(20))
        {
            var row = FailureModel.Features(record);
            var phi = explainer.Explain(row);
            Assert.Equal(power.Trees.Predict(row), explainer.BaseValue + phi.Sum(), 6);
            var strongest = Array.IndexOf(phi, phi.MaxBy(Math.Abs));
            Assert.Contains(FailureModel.FeatureNames[strongest], new[] { "power_w", "torque_nm", "rotational_speed_rpm" });
        }
    }

    [Fact]
    public void A_tree_deeper_than_the_limit_is_refused_before_anything_walks_it()
    {
        const int inner = DecisionTree.MaxDepth + 10;
        var count = (2 * inner) + 1;
        int[] feature = new int[count], left = new int[count], right = new int[count];
        double[] value = new double[count], cover = new double[count];
        for (var i = 0; i < count; i++)
        {
            (feature[i], left[i], right[i], cover[i]) = i < inner ? (0, inner + i, i + 1 == inner ? count - 1 : i + 1, inner + 1 - i) : (-1, -1, -1, 1);
        }

        var chain = new TreeEnsemble(0, [new DecisionTree(feature, new float[count], left, right, value, cover)], ["x"]);
        var refused = Assert.Throws<InvalidDataException>(chain.Check);
        Assert.Contains("deeper", refused.Message, StringComparison.Ordinal);
    }

    // A complete binary tree of the given depth on random features, thresholds and leaf values; each leaf's cover
    // a random count and each inner node's the sum of its children's, as counting training rows gives.
    private static DecisionTree RandomTree(Random random, int features, int depth)
    {
        var count = (1 << (depth + 1)) - 1;
        int[] feature = new int[count], left = new int[count], right = new int[count];
        var threshold = new float[count];
        double[] value = new double[count], cover = new double[count];
        for (var n = count - 1; n >= 0; n--)
        {
            if (2 * n + 1 < count)
            {
                (feature[n], threshold[n], left[n], right[n]) = (random.Next(features), (float)random.NextDouble(), 2 * n + 1, 2 * n + 2);
                cover[n] = cover[left[n]] + cover[right[n]];
            }
            else
            {
                (feature[n], left[n], right[n]) = (-1, -1, -1);
                value[n] = (random.NextDouble() * 10) - 5;
                cover[n] = random.Next(1, 50);
            }
        }

        return new DecisionTree(feature, threshold, left, right, value, cover);
    }

    // Shapley values by definition: every coalition S, its value the expected output with S's features known and
    // the others averaged by cover, weighted |S|! (M - |S| - 1)! / M!.
    private static double[] BruteForce(TreeEnsemble ensemble, float[] row)
    {
        var m = row.Length;
        var phi = new double[m];
        double Value(int coalition) => ensemble.Bias + ensemble.Trees.Sum(t => Conditional(t, row, coalition, 0));
        double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);
        for (var i = 0; i < m; i++)
        {
            for (var s = 0; s < 1 << m; s++)
            {
                if ((s & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)s);
                phi[i] += Factorial(size) * Factorial(m - size - 1) / Factorial(m) * (Value(s | (1 << i)) - Value(s));
            }
        }

        return phi;
    }

    private static double Conditional(DecisionTree tree, float[] row, int coalition, int node)
    {
        if (tree.IsLeaf(node))
        {
            return tree.Value[node];
        }

        if ((coalition & (1 << tree.Feature[node])) != 0)
        {
            return Conditional(tree, row, coalition, row[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node]);
        }

        var (l, r) = (tree.Left[node], tree.Right[node]);
        return ((tree.Cover[l] * Conditional(tree, row, coalition, l)) + (tree.Cover[r] * Conditional(tree, row, coalition, r))) / tree.Cover[node];
    }
}
