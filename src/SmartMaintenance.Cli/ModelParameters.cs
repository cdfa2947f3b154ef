using System.Globalization;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Cli;

/// <summary>What the model verbs share: the parameters a manifest records, and loading a model with a clear error.</summary>
internal static class ModelParameters
{
    public static Dictionary<string, string> Of(BoostingOptions options, string trainer) => new()
    {
        ["trainer"] = trainer,
        ["trees"] = options.Trees.ToString(CultureInfo.InvariantCulture),
        ["leaves"] = options.Leaves.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = options.LearningRate.ToString(CultureInfo.InvariantCulture),
        ["min_rows_per_leaf"] = options.MinRowsPerLeaf.ToString(CultureInfo.InvariantCulture),
        ["feature_fraction"] = options.FeatureFraction.ToString(CultureInfo.InvariantCulture),
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
    };

    public static bool TryLoad<T>(FileInfo file, string kind, TextWriter errors, out T model)
        where T : class
    {
        model = null!;
        if (!file.Exists)
        {
            errors.WriteLine($"{file.FullName}: no such file");
            return false;
        }

        try
        {
            model = ModelArtifact.Load<T>(file.FullName, kind).Model;
            return true;
        }
        catch (InvalidDataException e)
        {
            errors.WriteLine(e.Message);
            return false;
        }
    }
}

/// <summary>The <c>--explain</c> columns of a prediction file: the base value, then a SHAP value per feature.</summary>
internal sealed class Explanations(TreeEnsemble trees)
{
    private readonly TreeExplainer _explainer = new(trees);

    public string Header { get; } = ",base_value" + string.Concat(trees.FeatureNames.Select(f => $",shap_{f}"));

    public string Columns(ReadOnlySpan<float> row) => string.Create(CultureInfo.InvariantCulture,
        $",{_explainer.BaseValue:G9}{string.Concat(_explainer.Explain(row).Select(v => string.Create(CultureInfo.InvariantCulture, $",{v:G9}")))}");
}
