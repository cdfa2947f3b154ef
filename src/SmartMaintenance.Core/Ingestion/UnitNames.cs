namespace SmartMaintenance.Ingestion;

/// <summary>Treats the common spellings of a unit as one ("°C", "degC", "celsius").</summary>
public static class UnitNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["°c"] = "°C",
        ["degc"] = "°C",
        ["c"] = "°C",
        ["celsius"] = "°C",
        ["deg c"] = "°C",
        ["°f"] = "°F",
        ["degf"] = "°F",
        ["f"] = "°F",
        ["fahrenheit"] = "°F",
        ["k"] = "K",
        ["kelvin"] = "K",
        ["a"] = "A",
        ["amp"] = "A",
        ["amps"] = "A",
        ["ampere"] = "A",
        ["v"] = "V",
        ["volt"] = "V",
        ["volts"] = "V",
        ["mm/s"] = "mm/s",
        ["g"] = "g",
        ["bar"] = "bar",
        ["psi"] = "psi",
        ["kpa"] = "kPa",
        ["pa"] = "Pa",
        ["rpm"] = "rpm",
        ["%"] = "%",
        ["percent"] = "%",
        ["hz"] = "Hz",
        ["kw"] = "kW",
        ["w"] = "W",
        ["nm"] = "Nm",
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Aliases.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True when both name the same unit, or either is empty (unknown).</summary>
    public static bool Match(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.Trim();
        b = b.Trim();
        if (a.IsEmpty || b.IsEmpty || a.Equals(b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Lookup.TryGetValue(a, out var ca) && Lookup.TryGetValue(b, out var cb) && ca == cb;
    }

    public static string Canonical(string unit) => Aliases.TryGetValue(unit.Trim(), out var canonical) ? canonical : unit.Trim();
}
