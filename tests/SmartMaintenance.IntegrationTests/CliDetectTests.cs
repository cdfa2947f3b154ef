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

    private static double[] Scores(string path) => [.. ReadRows(path).Select(r => double.Parse(r[2], CultureInfo.InvariantCulture))];

    [Fact]
    public void Detect_writes_one_scored_row_per_input_row_and_a_level_shift_scores_highest()
    {
        var input = WriteSeries("machine.csv", 3000, shiftRow: 2500);
        var output = Path.Combine(_root.FullName, "out", "machine.csv");

        Assert.Equal(0, Smx("detect", "--input", input, "--output", output));

        Assert.Equal("timestamp,value,anomaly_score", File.ReadLines(output).First());
        var inputRows = ReadRows(input);
        var rows = ReadRows(output);
        Assert.Equal(inputRows.Count, rows.Count);
        Assert.All(inputRows.Zip(rows), pair => Assert.Equal(pair.First, pair.Second[..2]));
        var scores = Scores(output);
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        // The resonance detector judges every fourth row here (450 probation rows hold 13 windows of 8 steps).
        var shift = scores[2500..2512].Max();
        Assert.True(shift >= 0.5, $"the shift scored {shift}");
        Assert.True(scores[..2500].Max() < shift, $"a row before the shift scored {scores[..2500].Max()}, the shift {shift}");
    }

    [Fact]
    public void The_ensemble_alarms_at_the_shift_and_not_before()
    {
        var input = WriteSeries("machine.csv", 3000, shiftRow: 2500);
        var output = Path.Combine(_root.FullName, "ensemble.csv");

        Assert.Equal(0, Smx("detect", "--input", input, "--output", output, "--detector", "ensemble"));

        var scores = Scores(output);
        Assert.True(scores[2500..2505].Max() >= 0.6, $"the shift scored {scores[2500..2505].Max()}");
        Assert.True(scores[1000..2500].Max() < 0.6, "an alarm before the shift");

        Assert.Equal(0, Smx("detect", "--input", input, "--output", output + ".parts", "--detector", "ensemble", "--explain"));
        Assert.Equal("timestamp,value,anomaly_score,level,daily_profile,weekly_profile,volatility,context", File.ReadLines(output + ".parts").First());
        Assert.Equal(scores, Scores(output + ".parts"));
    }

    [Theory]
    [InlineData("resonance")]
    [InlineData("ensemble")]
    [InlineData("contextual")]
    public void A_row_score_does_not_change_when_later_rows_are_added(string detector)
    {
        // With the warm-up and the range fixed; by default they are NAB's probationary period and the file's range, which
        // NAB tells a detector before its first row.
        var whole = WriteSeries("whole.csv", 2600, shiftRow: 2500);
        var prefix = Path.Combine(_root.FullName, "prefix.csv");
        File.WriteAllLines(prefix, File.ReadLines(whole).Take(2502));
        string[] fixedInput = ["--probation", "390", "--range", "10", "40", "--detector", detector];
        Assert.Equal(0, Smx(["detect", "--input", whole, "--output", whole + ".out", .. fixedInput]));
        Assert.Equal(0, Smx(["detect", "--input", prefix, "--output", prefix + ".out", .. fixedInput]));

        Assert.Equal(File.ReadLines(prefix + ".out"), File.ReadLines(whole + ".out").Take(2502));
    }

    [Fact]
    public void The_warm_up_defaults_to_nab_probation_and_nothing_alarms_inside_it()
    {
        // A shift at row 300 of a 3,000-row file: inside NAB's probation (450 rows) by default, judged with --probation 200.
        var input = WriteSeries("early.csv", 3000, shiftRow: 300);
        Assert.Equal(0, Smx("detect", "--input", input, "--output", input + ".default"));
        Assert.Equal(0, Smx("detect", "--input", input, "--output", input + ".short", "--probation", "200"));

        Assert.All(Scores(input + ".default")[..450], s => Assert.Equal(0, s));
        Assert.True(Scores(input + ".short")[300..310].Max() > 0, "the shift after a 200-row warm-up scored nothing");
        Assert.NotEqual(0, Smx("detect", "--input", input, "--output", input + ".zero", "--probation", "0"));
        Assert.NotEqual(0, Smx("detect", "--input", input, "--output", input + ".range", "--range", "5", "1"));
        Assert.NotEqual(0, Smx("detect", "--input", input, "--output", input + ".explain", "--explain"));
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

        var code = DetectCommand.Run(new FileInfo(input), new FileInfo(output), null, null,
            new SeriesScoring(Detection.Nab.SeriesDetectorKind.Resonance, Detection.Ensemble.DetectorSettings.Default), explain: false, errors);

        Assert.Equal(2, code);
        Assert.Contains("bad.csv:3: expected 'timestamp,value'", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    /// <summary>A wide file: three coupled sensors (b = 2a, c = a + 1) and, from <paramref name="breakRow"/> on, b off by 1.</summary>
    private string WriteWide(string name, int rows, int breakRow)
    {
        var path = Path.Combine(_root.FullName, name);
        var random = new Random(5);
        var start = new DateTime(2026, 3, 1, 0, 0, 0);
        File.WriteAllLines(path, ["time,flow,current,temp", .. Enumerable.Range(0, rows).Select(i =>
        {
            var a = Math.Sin(i / 25.0);
            var b = (2 * a) + (i >= breakRow ? 1.0 : 0) + (0.02 * random.NextDouble());
            var c = i == 150 ? "" : (a + 1 + (0.02 * random.NextDouble())).ToString("0.####", CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ},{a + (0.02 * random.NextDouble()):0.####},{b:0.####},{c}");
        })]);
        return path;
    }

    [Fact]
    public void Multivariate_detect_writes_score_and_flag_per_row_learning_from_the_training_rows_only()
    {
        var input = WriteWide("asset.csv", 600, breakRow: 450);
        var output = Path.Combine(_root.FullName, "asset.out.csv");

        Assert.Equal(0, Smx("detect", "--multivariate", "--train-rows", "300", "--input", input, "--output", output, "--explain"));

        Assert.Equal("timestamp,anomaly_score,is_anomaly,flow,current,temp", File.ReadLines(output).First());
        var rows = ReadRows(output);
        Assert.Equal(600, rows.Count);
        Assert.Equal(ReadRows(input).Select(r => r[0]), rows.Select(r => r[0]));
        Assert.All(rows[..300], r => Assert.Equal(["0", "0"], r[1..3]));
        Assert.All(rows[300..450], r => Assert.Equal("0", r[2]));
        Assert.All(rows[460..], r => Assert.Equal("1", r[2]));
        // The sensor that broke the relationship carries most of the departure.
        var shares = rows[500][3..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(1, Array.IndexOf(shares, shares.Max()));
    }

    [Fact]
    public void Multivariate_detect_needs_train_rows_and_names_a_bad_line()
    {
        var input = WriteWide("wide.csv", 100, breakRow: 1000);
        Assert.NotEqual(0, Smx("detect", "--multivariate", "--input", input, "--output", input + ".out"));
        File.AppendAllLines(input, ["2026-03-02T00:00:00Z,1,two,3"]);
        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        try
        {
            Assert.Equal(2, Smx("detect", "--multivariate", "--train-rows", "50", "--input", input, "--output", input + ".out"));
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("wide.csv:102: column 3: 'two' is not a finite number", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(input + ".out"));
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
