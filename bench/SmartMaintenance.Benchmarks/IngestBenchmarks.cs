using System.Text;

using BenchmarkDotNet.Attributes;

using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Benchmarks;

/// <summary>Parsing and validating a 1000-reading batch, per body format. Divide 1000 by the mean for readings/s.</summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private TenantSensors _sensors = null!;
    private byte[] _json = [];
    private byte[] _ndjson = [];
    private byte[] _csv = [];

    [GlobalSetup]
    public void Setup()
    {
        _sensors = new TenantSensors(Enumerable.Range(0, 100).Select(i =>
            new Sensor(i + 1, 1, $"load-{i}", null, "temperature", "°C", 0, 100, 1, false, Now)));
        var items = Enumerable.Range(0, 1000).Select(i =>
            (Sensor: $"load-{i % 100}", Time: Now.AddMinutes(-10).AddMilliseconds(i).ToString("O"), Value: 20 + (i % 37) * 0.5)).ToArray();
        _json = Encoding.UTF8.GetBytes("[" + string.Join(',', items.Select(r =>
            $"{{\"sensor_id\":\"{r.Sensor}\",\"timestamp\":\"{r.Time}\",\"value\":{r.Value}}}")) + "]");
        _ndjson = Encoding.UTF8.GetBytes(string.Join('\n', items.Select(r =>
            $"{{\"sensor_id\":\"{r.Sensor}\",\"timestamp\":\"{r.Time}\",\"value\":{r.Value}}}")));
        _csv = Encoding.UTF8.GetBytes("sensor_id,timestamp,value\n" + string.Join('\n', items.Select(r => $"{r.Sensor},{r.Time},{r.Value}")));
    }

    [Benchmark(Baseline = true)]
    public int JsonArray() => Run(_json, ReadingFormat.JsonArray);

    [Benchmark]
    public int NdJson() => Run(_ndjson, ReadingFormat.NdJson);

    [Benchmark]
    public int Csv() => Run(_csv, ReadingFormat.Csv);

    private int Run(byte[] body, ReadingFormat format)
    {
        using var builder = new ReadingBatchBuilder(_sensors, false, Now, new IngestionOptions(), 1024);
        ReadingBatchParser.Parse(body, format, builder);
        return builder.Count;
    }
}
