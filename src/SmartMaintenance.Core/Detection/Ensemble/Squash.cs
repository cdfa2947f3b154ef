namespace SmartMaintenance.Detection.Ensemble;

/// <summary>Maps an unbounded surprise (a z value) onto [0, 1): half at <c>scale</c>.</summary>
internal static class Squash
{
    public static double Of(double z, double scale)
    {
        var q = z * z;
        return q / (q + (scale * scale));
    }
}
