using System.Globalization;

namespace SmartMaintenance.Models.Rul;

/// <summary>One cycle of a C-MAPSS engine: its three operating settings and 21 sensor readings.</summary>
public sealed record CmapssCycle(int Cycle, double[] Settings, double[] Sensors);

/// <summary>One engine's cycles in order. In a training file the last one is the failure.</summary>
public sealed record CmapssUnit(string Id, IReadOnlyList<CmapssCycle> Cycles)
{
    public CmapssUnit Truncate(int cycles) => this with { Cycles = [.. Cycles.Take(cycles)] };
}

/// <summary>Reads the C-MAPSS text format: space-separated <c>unit cycle setting1..3 s1..s21</c>, no header.</summary>
public static class CmapssData
{
    public const int SettingCount = 3;
    public const int SensorCount = 21;
    private const int Columns = 2 + SettingCount + SensorCount;

    /// <summary>The units of one file, ids as written, or prefixed (<c>prefix:unit</c>) when files are combined.</summary>
    public static IReadOnlyList<CmapssUnit> Read(string path, string? prefix = null)
    {
        var units = new Dictionary<int, List<CmapssCycle>>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length != Columns)
            {
                throw new FormatException($"{path}, line {line}: {fields.Length} numbers, expected {Columns} (unit, cycle, 3 settings, 21 sensors).");
            }

            var values = new double[Columns];
            for (var i = 0; i < Columns; i++)
            {
                if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                {
                    throw new FormatException($"{path}, line {line}, column {i + 1}: '{fields[i]}' is not a finite number.");
                }
            }

            var unit = (int)values[0];
            if (!units.TryGetValue(unit, out var cycles))
            {
                units[unit] = cycles = [];
            }

            cycles.Add(new CmapssCycle((int)values[1], values[2..(2 + SettingCount)], values[(2 + SettingCount)..]));
        }

        return [.. units.OrderBy(u => u.Key).Select(u => new CmapssUnit(
            prefix is null ? u.Key.ToString(CultureInfo.InvariantCulture) : $"{prefix}:{u.Key}",
            [.. u.Value.OrderBy(c => c.Cycle)]))];
    }
}
