namespace SmartMaintenance.Models.Trees;

/// <summary>
/// Exact SHAP values of a tree ensemble's raw output (Lundberg, Erion and Lee, "Consistent individualized feature
/// attribution for tree ensembles", 2018, Algorithm 2): per feature its Shapley value, where a coalition's value is
/// the tree's expectation given the features in it, the others averaged over the training rows that reached each
/// node (the cover). The contributions and <see cref="BaseValue"/> add up to the raw output of the row.
/// Polynomial: O(leaves × depth²) per tree, no sampling.
/// </summary>
public sealed class TreeExplainer
{
    // 1/k for the path lengths a tree can have (FastTree's leaves bound its depth).
    private static readonly double[] Reciprocal = [.. Enumerable.Range(0, 1024).Select(k => k == 0 ? 0 : 1.0 / k)];

    private readonly TreeEnsemble _ensemble;
    private readonly int _maxDepth;

    public TreeExplainer(TreeEnsemble ensemble)
    {
        _ensemble = ensemble;
        BaseValue = ensemble.Bias + ensemble.Trees.Sum(ExpectedValue);
        _maxDepth = ensemble.Trees.Count == 0 ? 0 : ensemble.Trees.Max(t => Depth(t, 0));
    }

    /// <summary>The ensemble's mean raw output over its training rows: the prediction before any feature is known.</summary>
    public double BaseValue { get; }

    /// <summary>Each feature's contribution to the row's raw output.</summary>
    public double[] Explain(ReadOnlySpan<float> row)
    {
        if (row.Length != _ensemble.FeatureCount)
        {
            throw new ArgumentException($"The model takes {_ensemble.FeatureCount} features; the row has {row.Length}.", nameof(row));
        }

        var phi = new double[_ensemble.FeatureCount];
        // One path segment per recursion level, each as long as the deepest path can grow (root placeholder included).
        var width = _maxDepth + 2;
        var path = new Step[width * (width + 1)];
        foreach (var tree in _ensemble.Trees)
        {
            Recurse(tree, row, phi, path, node: 0, offset: 0, length: 0, zeroFraction: 1, oneFraction: 1, feature: -1, width);
        }

        return phi;
    }

    private static double ExpectedValue(DecisionTree tree)
    {
        if (tree.Cover[0] <= 0)
        {
            return tree.Value.Where((_, n) => tree.IsLeaf(n)).DefaultIfEmpty(0).Average();
        }

        var sum = 0.0;
        for (var n = 0; n < tree.NodeCount; n++)
        {
            if (tree.IsLeaf(n))
            {
                sum += tree.Value[n] * tree.Cover[n];
            }
        }

        return sum / tree.Cover[0];
    }

    private static int Depth(DecisionTree tree, int node) =>
        tree.IsLeaf(node) ? 0 : 1 + Math.Max(Depth(tree, tree.Left[node]), Depth(tree, tree.Right[node]));

    // The path of unique features from the root to `node`: for each, the share of coalitions' weight (W), the
    // fraction of "feature unknown" paths that flow this way (Zero) and whether the row itself flows this way (One).
    private static void Recurse(DecisionTree tree, ReadOnlySpan<float> row, double[] phi, Step[] path, int node, int offset, int length,
        double zeroFraction, double oneFraction, int feature, int width)
    {
        // Each level works on its own copy of the parent's path, so siblings see the parent's unchanged.
        var at = offset + width;
        if (length > 0)
        {
            Array.Copy(path, offset, path, at, length);
        }

        Extend(path, at, length, zeroFraction, oneFraction, feature);
        length++;

        if (tree.IsLeaf(node))
        {
            for (var i = 1; i < length; i++)
            {
                var weight = UnwoundSum(path, at, length, i);
                phi[path[at + i].Feature] += weight * (path[at + i].One - path[at + i].Zero) * tree.Value[node];
            }

            return;
        }

        var split = tree.Feature[node];
        var goesLeft = row[split] <= tree.Threshold[node];
        var hot = goesLeft ? tree.Left[node] : tree.Right[node];
        var cold = goesLeft ? tree.Right[node] : tree.Left[node];
        var cover = tree.Cover[node];
        double hotShare = cover > 0 ? tree.Cover[hot] / cover : 0.5, coldShare = cover > 0 ? tree.Cover[cold] / cover : 0.5;

        // A feature met again on the path is one player: undo its earlier entry and carry its fractions on.
        double incomingZero = 1, incomingOne = 1;
        for (var k = 1; k < length; k++)
        {
            if (path[at + k].Feature == split)
            {
                incomingZero = path[at + k].Zero;
                incomingOne = path[at + k].One;
                Unwind(path, at, length, k);
                length--;
                break;
            }
        }

        Recurse(tree, row, phi, path, hot, at, length, incomingZero * hotShare, incomingOne, split, width);
        Recurse(tree, row, phi, path, cold, at, length, incomingZero * coldShare, 0, split, width);
    }

    private static void Extend(Step[] path, int at, int length, double zeroFraction, double oneFraction, int feature)
    {
        path[at + length].Feature = feature;
        path[at + length].Zero = zeroFraction;
        path[at + length].One = oneFraction;
        path[at + length].Weight = length == 0 ? 1 : 0;
        var scale = Reciprocal[length + 1];
        for (var i = length - 1; i >= 0; i--)
        {
            path[at + i + 1].Weight += oneFraction * path[at + i].Weight * (i + 1) * scale;
            path[at + i].Weight = zeroFraction * path[at + i].Weight * (length - i) * scale;
        }
    }

    private static void Unwind(Step[] path, int at, int length, int index)
    {
        var last = length - 1;
        var one = path[at + index].One;
        var zero = path[at + index].Zero;
        var next = path[at + last].Weight;
        for (var j = last - 1; j >= 0; j--)
        {
            if (one != 0)
            {
                var previous = path[at + j].Weight;
                path[at + j].Weight = next * (last + 1) / ((j + 1) * one);
                next = previous - (path[at + j].Weight * zero * (last - j) / (last + 1));
            }
            else
            {
                path[at + j].Weight = path[at + j].Weight * (last + 1) / (zero * (last - j));
            }
        }

        for (var j = index; j < last; j++)
        {
            path[at + j].Feature = path[at + j + 1].Feature;
            path[at + j].Zero = path[at + j + 1].Zero;
            path[at + j].One = path[at + j + 1].One;
        }
    }

    // The total weight the path would have without element `index`, computed without changing the path. The
    // hot loop of the algorithm: divisions taken out of it (reciprocals of small integers from a table).
    private static double UnwoundSum(Step[] path, int at, int length, int index)
    {
        var last = length - 1;
        var one = path[at + index].One;
        var zero = path[at + index].Zero;
        var next = path[at + last].Weight;
        var total = 0.0;
        var scale = last + 1;
        if (one != 0)
        {
            var perOne = scale / one;
            var zeroShare = zero * Reciprocal[last + 1];
            for (var j = last - 1; j >= 0; j--)
            {
                var weight = next * perOne * Reciprocal[j + 1];
                total += weight;
                next = path[at + j].Weight - (weight * zeroShare * (last - j));
            }
        }
        else
        {
            var perZero = scale / zero;
            for (var j = last - 1; j >= 0; j--)
            {
                total += path[at + j].Weight * perZero * Reciprocal[last - j];
            }
        }

        return total;
    }

    private struct Step
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }
}
