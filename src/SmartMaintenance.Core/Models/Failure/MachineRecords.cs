using System.Globalization;

namespace SmartMaintenance.Models.Failure;

/// <summary>
/// One machine's operating point in the AI4I 2020 format, with its outcome when the file has one: machine failure and
/// the five failure modes (tool wear, heat dissipation, power, overstrain, random).
/// </summary>
public sealed record MachineRecord(
    long Udi, string Type, double AirTemperature, double ProcessTemperature, double RotationalSpeed, double Torque, double ToolWear,
    bool? Failure, IReadOnlyList<bool>? Modes);

/// <summary>Reads AI4I 2020 CSV files by their column names; the outcome columns are optional (a file to predict).</summary>
public static class MachineRecords
{
    public static readonly IReadOnlyList<string> ModeNames = ["TWF", "HDF", "PWF", "OSF", "RNF"];

    private static readonly string[] Inputs =
        ["UDI", "Type", "Air temperature [K]", "Process temperature [K]", "Rotational speed [rpm]", "Torque [Nm]", "Tool wear [min]"];

    public static IReadOnlyList<MachineRecord> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new FormatException($"{path} is empty.");
        var names = header.Split(',').Select(h => h.Trim().Trim('"')).ToList();
        var missing = Inputs.Where(c => !names.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"{path}: no column {string.Join(", ", missing.Select(m => $"'{m}'"))} in the header.");
        }

        int[] input = [.. Inputs.Select(c => names.IndexOf(c))];
        var failure = names.IndexOf("Machine failure");
        int[] modes = [.. ModeNames.Select(c => names.IndexOf(c))];
        var labelled = failure >= 0 && modes.All(m => m >= 0);

        var records = new List<MachineRecord>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            var fields = text.Split(',');
            if (fields.Length != names.Count)
            {
                throw new FormatException($"{path}, line {line}: {fields.Length} fields, the header has {names.Count}.");
            }

            double Number(int column) =>
                double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                    ? value
                    : throw new FormatException($"{path}, line {line}, column '{names[column]}': '{fields[column]}' is not a finite number.");
            bool Flag(int column) => Number(column) switch
            {
                0 => false,
                1 => true,
                _ => throw new FormatException($"{path}, line {line}, column '{names[column]}': '{fields[column]}' is not 0 or 1."),
            };

            var type = fields[input[1]].Trim().Trim('"');
            if (type is not ("L" or "M" or "H"))
            {
                throw new FormatException($"{path}, line {line}, column 'Type': '{type}' is not L, M or H.");
            }

            records.Add(new MachineRecord((long)Number(input[0]), type, Number(input[2]), Number(input[3]), Number(input[4]), Number(input[5]), Number(input[6]),
                labelled ? Flag(failure) : null, labelled ? [.. modes.Select(Flag)] : null));
        }

        return records;
    }
}
