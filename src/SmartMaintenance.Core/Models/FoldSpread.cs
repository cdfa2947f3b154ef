namespace SmartMaintenance.Models;

/// <summary>A figure's mean over cross-validation folds and its sample standard deviation: the spread, not only the best.</summary>
public static class FoldSpread
{
    public static (double Mean, double Deviation) Of(IReadOnlyList<double> folds)
    {
        var mean = folds.Average();
        return (mean, Math.Sqrt(folds.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, folds.Count - 1)));
    }
}
