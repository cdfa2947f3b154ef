namespace SmartMaintenance.Storage;

/// <summary>Welford accumulator for one roll-up bucket within one write transaction (both stores).</summary>
internal struct RollupAccumulator
{
    public long TenantId;
    public long Count;
    public double Min;
    public double Max;
    public double Mean;
    public double M2;

    public void Add(long tenantId, double value)
    {
        if (Count == 0)
        {
            TenantId = tenantId;
            Min = value;
            Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        M2 += delta * (value - Mean);
    }
}
