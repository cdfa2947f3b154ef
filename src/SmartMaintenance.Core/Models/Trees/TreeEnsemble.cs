using System.Text.Json.Serialization;

using SmartMaintenance.Models;

namespace SmartMaintenance.Models.Trees;

/// <summary>
/// One regression tree in flat arrays, leaves included as nodes: a node with <c>Feature[n] &lt; 0</c> is a leaf worth
/// <c>Value[n]</c>; otherwise a row goes to <c>Left[n]</c> when its feature is at most <c>Threshold[n]</c>, else to
/// <c>Right[n]</c>. <c>Cover[n]</c> is how many training rows reached the node, the weights TreeSHAP needs.
/// </summary>
public sealed record DecisionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Value, double[] Cover)
{
    /// <summary>Deeper than any tree boosting grows (FastTree's 32 leaves allow 31); explanation recurses this deep.</summary>
    public const int MaxDepth = 256;

    [JsonIgnore]
    public int NodeCount => Feature.Length;

    public bool IsLeaf(int node) => Feature[node] < 0;

    /// <summary>
    /// Throws unless the arrays agree, every inner node's children come after it (so no walk loops) within the tree,
    /// features are in range, values finite and covers add up from the leaves (the root's above zero).
    /// </summary>
    public void Check(int featureCount, int tree)
    {
        if (Feature is not { Length: > 0 } || Threshold is null || Left is null || Right is null || Value is null || Cover is null
            || new[] { Threshold.Length, Left.Length, Right.Length, Value.Length, Cover.Length }.Any(l => l != Feature.Length))
        {
            throw new InvalidDataException($"Tree {tree}: its node arrays are missing or of different lengths.");
        }

        if (!(Cover[0] > 0))
        {
            throw new InvalidDataException($"Tree {tree}: its root covers no training rows.");
        }

        var count = Feature.Length;
        var depth = new int[count];
        for (var n = 0; n < count; n++)
        {
            if (Feature[n] < 0)
            {
                if (!double.IsFinite(Value[n]))
                {
                    throw new InvalidDataException($"Tree {tree}, leaf {n}: its value is not finite.");
                }

                continue;
            }

            if (Feature[n] >= featureCount || Left[n] <= n || Right[n] <= n || Left[n] >= count || Right[n] >= count || float.IsNaN(Threshold[n]))
            {
                throw new InvalidDataException($"Tree {tree}, node {n}: a feature, threshold or child out of range.");
            }

            if (Math.Abs(Cover[Left[n]] + Cover[Right[n]] - Cover[n]) > 1e-6 * (1 + Cover[n]))
            {
                throw new InvalidDataException($"Tree {tree}, node {n}: its children's covers do not add up to its own.");
            }

            // Children come after their parent, so a node's depth is known before its children are reached.
            depth[Left[n]] = depth[Right[n]] = depth[n] + 1;
            if (depth[n] + 1 > MaxDepth)
            {
                throw new InvalidDataException($"Tree {tree} is deeper than {MaxDepth} levels.");
            }
        }
    }

    /// <summary>The leaf a row ends in.</summary>
    public int LeafOf(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return node;
    }
}

/// <summary>
/// A boosted ensemble as it was trained: the raw output of a row is <see cref="Bias"/> plus the leaf values it reaches,
/// one per tree (for a classifier, the margin before calibration). Our own evaluator, so inference allocates nothing
/// and TreeSHAP reads the same trees that predict.
/// </summary>
public sealed record TreeEnsemble(double Bias, IReadOnlyList<DecisionTree> Trees, IReadOnlyList<string> FeatureNames) : ICheckedModel
{
    // A copy made with `with` packs its own trees again (the generated copy constructor would share this one).
    private TreeEnsemble(TreeEnsemble original)
    {
        Bias = original.Bias;
        Trees = original.Trees;
        FeatureNames = original.FeatureNames;
    }

    [JsonIgnore]
    public int FeatureCount => FeatureNames.Count;

    private PackedForest? _packed;

    public void Check()
    {
        if (Trees is null || FeatureNames is null || FeatureNames.Count == 0 || !double.IsFinite(Bias))
        {
            throw new InvalidDataException("The ensemble lacks its trees, its feature names or a finite bias.");
        }

        for (var t = 0; t < Trees.Count; t++)
        {
            (Trees[t] ?? throw new InvalidDataException($"Tree {t} is missing.")).Check(FeatureCount, t);
        }
    }

    public double Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"The model takes {FeatureCount} features; the row has {row.Length}.", nameof(row));
        }

        return Bias + (_packed ??= PackedForest.Pack(Trees)).Sum(row);
    }
}

/// <summary>
/// The trees for prediction: every inner node of every tree in one array of 16-byte nodes (a cache line holds
/// four); a child that is a leaf is written as the complement of its value's index, so reaching it costs no load.
/// Walking it is the hot path of every prediction.
/// </summary>
internal sealed class PackedForest
{
    private readonly Node[] _nodes;
    private readonly int[] _roots;
    private readonly double[] _values;

    private PackedForest(Node[] nodes, int[] roots, double[] values) => (_nodes, _roots, _values) = (nodes, roots, values);

    public static PackedForest Pack(IReadOnlyList<DecisionTree> trees)
    {
        var nodes = new List<Node>();
        var values = new List<double>();
        var roots = new int[trees.Count];
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree.IsLeaf(0))
            {
                roots[t] = ~values.Count;
                values.Add(tree.Value[0]);
                continue;
            }

            // Inner nodes keep their order; leaves get value slots.
            var packed = new int[tree.NodeCount];
            var inner = nodes.Count;
            for (var n = 0; n < tree.NodeCount; n++)
            {
                if (tree.IsLeaf(n))
                {
                    packed[n] = ~values.Count;
                    values.Add(tree.Value[n]);
                }
                else
                {
                    packed[n] = inner++;
                }
            }

            roots[t] = packed[0];
            for (var n = 0; n < tree.NodeCount; n++)
            {
                if (!tree.IsLeaf(n))
                {
                    nodes.Add(new Node(tree.Feature[n], tree.Threshold[n], packed[tree.Left[n]], packed[tree.Right[n]]));
                }
            }
        }

        return new PackedForest([.. nodes], roots, [.. values]);
    }

    public double Sum(ReadOnlySpan<float> row)
    {
        var nodes = _nodes;
        var sum = 0.0;
        foreach (var root in _roots)
        {
            var at = root;
            while (at >= 0)
            {
                var node = nodes[at];
                at = row[node.Feature] <= node.Threshold ? node.Left : node.Right;
            }

            sum += _values[~at];
        }

        return sum;
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}
