using System.Text.Json.Serialization;

namespace SmartMaintenance.Models.Trees;

/// <summary>
/// One regression tree in flat arrays, leaves included as nodes: a node with <c>Feature[n] &lt; 0</c> is a leaf worth
/// <c>Value[n]</c>; otherwise a row goes to <c>Left[n]</c> when its feature is at most <c>Threshold[n]</c>, else to
/// <c>Right[n]</c>. <c>Cover[n]</c> is how many training rows reached the node, the weights TreeSHAP needs.
/// </summary>
public sealed record DecisionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Value, double[] Cover)
{
    [JsonIgnore]
    public int NodeCount => Feature.Length;

    public bool IsLeaf(int node) => Feature[node] < 0;

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
public sealed record TreeEnsemble(double Bias, IReadOnlyList<DecisionTree> Trees, IReadOnlyList<string> FeatureNames)
{
    [JsonIgnore]
    public int FeatureCount => FeatureNames.Count;

    public double Predict(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"The model takes {FeatureCount} features; the row has {row.Length}.", nameof(row));
        }

        var sum = Bias;
        foreach (var tree in Trees)
        {
            sum += tree.Value[tree.LeafOf(row)];
        }

        return sum;
    }
}
