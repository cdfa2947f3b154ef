namespace SmartMaintenance.Detection.Ensemble;

/// <summary>The standard normal distribution's upper tail, accurate to about 1e-7 relative in the far tail.</summary>
public static class Gaussian
{
    /// <summary>P(Z ≥ z) for a standard normal Z.</summary>
    public static double UpperTail(double z) => 0.5 * ComplementaryError(z * 0.7071067811865476);

    /// <summary>erfc(x) by the Chebyshev-fitted rational form of Press et al. (fractional error below 1.2e-7).</summary>
    public static double ComplementaryError(double x)
    {
        var a = Math.Abs(x);
        var t = 1 / (1 + (0.5 * a));
        var poly = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var value = t * Math.Exp((-a * a) + poly);
        return x >= 0 ? value : 2 - value;
    }
}
