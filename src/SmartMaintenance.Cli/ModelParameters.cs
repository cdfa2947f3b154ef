using System.Globalization;

using SmartMaintenance.Models;
using SmartMaintenance.Models.Trees;

namespace SmartMaintenance.Cli;

/// <summary>What the model verbs share: loading a model with a clear error.</summary>
internal static class ModelParameters
{
    public static bool TryLoad<T>(FileInfo file, string kind, TextWriter errors, out T model)
        where T : class => TryLoad(file, kind, errors, out model, out _);

    public static bool TryLoad<T>(FileInfo file, string kind, TextWriter errors, out T model, out ModelManifest manifest)
        where T : class
    {
        model = null!;
        manifest = null!;
        if (!file.Exists)
        {
            errors.WriteLine($"{file.FullName}: no such file");
            return false;
        }

        try
        {
            (model, manifest) = ModelArtifact.Load<T>(file.FullName, kind);
            return true;
        }
        catch (InvalidDataException e)
        {
            errors.WriteLine(e.Message);
            return false;
        }
    }
}

/// <summary>`smx rul|failure drift`: each feature's PSI and KS figures against the model's training reference.</summary>
internal static class DriftTable
{
    public static int Print(ModelManifest manifest, IReadOnlyList<float[]> rows, TextWriter output, TextWriter errors)
    {
        if (manifest.Reference.Count == 0)
        {
            errors.WriteLine("This model was trained without a reference distribution; train it again to check drift.");
            return 2;
        }

        var results = FeatureDrift.Compare(manifest.Reference, rows);
        output.WriteLine($"{"feature",-28} {"PSI",8} {"KS D",6} {"KS p",9} drifted");
        foreach (var r in results.OrderByDescending(r => r.Psi))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Feature,-28} {r.Psi,8:F3} {r.KsStatistic,6:F3} {r.KsPValue,9:G3} {(r.Drifted ? "yes" : "no")}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count(r => r.Drifted)} of {results.Count} features drifted over {rows.Count} rows (PSI > {FeatureDrift.MajorShift}, or KS p < {FeatureDrift.KsAlpha} with D ≥ {FeatureDrift.MinKsDistance})."));
        return 0;
    }
}

/// <summary>
/// The <c>--explain</c> columns of a prediction file: which output is explained, its base value, then a SHAP value per
/// feature (every explained ensemble reads the same features).
/// </summary>
internal sealed class Explanations(IReadOnlyList<string> featureNames)
{
    private readonly Dictionary<TreeEnsemble, TreeExplainer> _explainers = new(ReferenceEqualityComparer.Instance);

    public string Header { get; } = ",explained,base_value" + string.Concat(featureNames.Select(f => $",shap_{f}"));

    public string Columns(TreeEnsemble trees, string output, ReadOnlySpan<float> row)
    {
        if (!_explainers.TryGetValue(trees, out var explainer))
        {
            _explainers[trees] = explainer = new TreeExplainer(trees);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $",{output},{explainer.BaseValue:G9}{string.Concat(explainer.Explain(row).Select(v => string.Create(CultureInfo.InvariantCulture, $",{v:G9}")))}");
    }
}
