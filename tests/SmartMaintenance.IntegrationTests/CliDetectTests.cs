using System.CommandLine;
using System.Globalization;

using SmartMaintenance.Cli;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>smx detect</c> through its real command line: the contract other tools rely on.</summary>
public sealed class CliDetectTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("smx-detect-");

    public void Dispose() => _root.Delete(recursive: true);

    private static int Smx(params string[] args) => new RootCommand { DetectCommand.Create() }.Parse(args).Invoke();

    /// <summary>A NAB-format file: 5-minute noisy daily cycle that shifts up by 10 from <paramref name="shiftRow"/> on.</summary>
    private string WriteSeries(string relativePath, int rows, int shiftRow)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(4);
        var start = new DateTime(2014, 4, 1, 0, 0, 0);
        File.WriteAllLines(path, ["timestamp,value", .. Enumerable.Range(0, rows).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{20 + (5 * Math.Sin(i * 2 * Math.PI / 288)) + random.NextDouble() + (shiftRow >= 0 && i >= shiftRow ? 10 : 0):0.###}"))]);
        return path;
    }

    private static List<string[]> ReadRows(string path) => [.. File.ReadLines(path).Skip(1).Select(l => l.Split(','))];

    [Fact]
    public void Detect_writes_one_scored_row_per_input_row_and_a_level_shift_alarms()
    {
        var input = WriteSeries("machine.csv", 3000, shiftRow: 2500);
        var output = Path.Combine(_root.FullName, "out", "machine.csv");

        Assert.Equal(0, Smx("detect", "--input", input, "--output", output));

        Assert.Equal("timestamp,value,anomaly_score", File.ReadLines(output).First());
        var inputRows = ReadRows(input);
        var rows = ReadRows(output);
        Assert.Equal(inputRows.Count, rows.Count);
        Assert.All(inputRows.Zip(rows), pair => Assert.Equal(pair.First, pair.Second[..2]));
        var scores = rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.True(scores[2500..2505].Max() >= 0.6, $"the shift scored {scores[2500..2505].Max()}");
        Assert.True(scores[1000..2500].Max() < 0.6, "an alarm before the shift");
    }

    [Fact]
    public void A_row_score_does_not_change_when_later_rows_are_added()
    {
        var whole = WriteSeries("whole.csv", 2600, shiftRow: 2500);
        var prefix = Path.Combine(_root.FullName, "prefix.csv");
        File.WriteAllLines(prefix, File.ReadLines(whole).Take(2502));
        Assert.Equal(0, Smx("detect", "--input", whole, "--output", whole + ".out"));
        Assert.Equal(0, Smx("detect", "--input", prefix, "--output", prefix + ".out"));

        Assert.Equal(File.ReadLines(prefix + ".out"), File.ReadLines(whole + ".out").Take(2502));
    }

    [Fact]
    public void A_folder_is_scored_file_by_file_keeping_relative_paths()
    {
        WriteSeries(Path.Combine("in", "plant-a", "pump.csv"), 500, shiftRow: -1);
        WriteSeries(Path.Combine("in", "plant-b", "fan.csv"), 400, shiftRow: -1);
        var output = Path.Combine(_root.FullName, "scored");

        Assert.Equal(0, Smx("detect", "--input-dir", Path.Combine(_root.FullName, "in"), "--output-dir", output));

        Assert.Equal(500, ReadRows(Path.Combine(output, "plant-a", "pump.csv")).Count);
        Assert.Equal(400, ReadRows(Path.Combine(output, "plant-b", "fan.csv")).Count);
    }

    [Fact]
    public void A_bad_row_is_named_and_nothing_is_written_for_that_file()
    {
        var input = Path.Combine(_root.FullName, "bad.csv");
        File.WriteAllLines(input, ["timestamp,value", "2014-04-01 00:00:00,1.5", "2014-04-01 00:05:00,warm"]);
        var output = Path.Combine(_root.FullName, "bad.out.csv");
        var errors = new StringWriter();

        var code = DetectCommand.Run(new FileInfo(input), new FileInfo(output), null, null, Detection.Ensemble.DetectorSettings.Default, explain: false, errors);

        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3: expected 'timestamp,value'", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Mixed_or_missing_options_are_refused()
    {
        var input = WriteSeries("one.csv", 10, shiftRow: -1);
        Assert.NotEqual(0, Smx("detect", "--input", input));
        Assert.NotEqual(0, Smx("detect", "--input", input, "--output", input + ".out", "--input-dir", _root.FullName));
        Assert.NotEqual(0, Smx("detect", "--input", input, "--output", input + ".out", "--sensitivity", "2"));
        Assert.False(File.Exists(input + ".out"));
    }
}
