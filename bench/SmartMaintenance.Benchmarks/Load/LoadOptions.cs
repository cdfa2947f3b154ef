using System.Globalization;

namespace SmartMaintenance.Benchmarks.Load;

internal sealed record LoadOptions(Uri Url, string? Key, string Mode, int Connections, TimeSpan Duration, TimeSpan Warmup, int BatchSize, long Readings, long FirstBatch)
{
    public static LoadOptions Parse(string[] args)
    {
        string Value(string name, string fallback) => LoadOptions.Value(args, name, fallback);

        return new LoadOptions(
            new Uri(Value("--url", "http://127.0.0.1:5000")),
            Environment.GetEnvironmentVariable("SMX_ADMIN_API_KEY") is { Length: > 0 } env ? Value("--key", env) : Value("--key", "") is { Length: > 0 } k ? k : null,
            Value("--mode", "batch"),
            int.Parse(Value("--connections", "64"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--duration", "20"), CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Value("--warmup", "0"), CultureInfo.InvariantCulture)),
            int.Parse(Value("--batch-size", "1000"), CultureInfo.InvariantCulture),
            long.Parse(Value("--readings", "10000000"), CultureInfo.InvariantCulture),
            long.Parse(Value("--first-batch", "0"), CultureInfo.InvariantCulture));
    }

    /// <summary>The argument after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static string Value(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

/// <summary>Requests, errors and latencies gathered from all workers.</summary>
internal sealed class LoadResult
{
    private readonly List<double> _latencies = [];
    private readonly Dictionary<int, int> _statuses = [];
    private readonly Lock _gate = new();

    public int Errors { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public int Requests => _latencies.Count;

    public void Add(List<double> latencies, int errors, Dictionary<int, int> statuses)
    {
        lock (_gate)
        {
            _latencies.AddRange(latencies);
            Errors += errors;
            foreach (var (status, count) in statuses)
            {
                _statuses[status] = _statuses.GetValueOrDefault(status) + count;
            }
        }
    }

    public double Percentile(double p)
    {
        if (_latencies.Count == 0)
        {
            return 0;
        }

        _latencies.Sort();
        return _latencies[Math.Min(_latencies.Count - 1, (int)Math.Ceiling(p / 100 * _latencies.Count) - 1)];
    }

    public void Print(string mode, int readingsPerRequest)
    {
        var seconds = Elapsed.TotalSeconds;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{mode}: {Requests} requests in {seconds:0.0} s = {Requests / seconds:0} req/s");
        if (readingsPerRequest > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", {(Requests - Errors) * (double)readingsPerRequest / seconds:0} readings/s");
        }

        Console.WriteLine(line);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  latency ms: p50 {Percentile(50):0.00}  p95 {Percentile(95):0.00}  p99 {Percentile(99):0.00}  max {Percentile(100):0.00}"));
        Console.WriteLine($"  errors: {Errors}" + (_statuses.Count > 0 ? " (" + string.Join(", ", _statuses.Select(s => $"{s.Key}: {s.Value}")) + ")" : ""));
    }
}
