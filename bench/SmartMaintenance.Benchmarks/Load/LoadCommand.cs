using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.Benchmarks.Load;

/// <summary>
/// The HTTP load command: `load --url URL --key KEY --mode batch|single|query|series|seed|seed-fleet|series-week|ceilings|models|store|pg-store
/// [--connections 64] [--duration 20] [--warmup 0] [--batch-size 1000] [--readings N] [--sensor-prefix P] [--first-batch N]` (P: the
/// writing modes' sensors, so several load tools against several nodes never send the same readings; N: the number of the
/// first request, so a second run after a separate warm-up run sends new readings instead of the warm-up's again).
/// Every mode is bounded in time or count and targets only the given (loopback) URL.
/// </summary>
internal static class LoadCommand
{
    private const int Sensors = 100;

    /// <summary>The fleet of <c>seed-fleet</c> and <c>series-week</c>: this many sensors, a reading a minute for a week.</summary>
    private const int FleetSensors = 1000;

    private const int FleetMinutes = 7 * 24 * 60;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        if (!options.Url.IsLoopback)
        {
            Console.Error.WriteLine("The load command only targets loopback addresses.");
            return 2;
        }

        if (options.Mode == "store")
        {
            await StoreLoad.RunAsync(options);
            return 0;
        }

        if (options.Mode == "pg-store")
        {
            var connection = LoadOptions.Value(args, "--postgres", Environment.GetEnvironmentVariable("SMX_POSTGRES") ?? "");
            if (connection.Length == 0)
            {
                Console.Error.WriteLine("--mode pg-store needs --postgres CONNECTION (or SMX_POSTGRES), an Npgsql connection string to an empty database.");
                return 2;
            }

            var writers = int.Parse(LoadOptions.Value(args, "--writers", $"{Storage.Postgres.PostgresReadingStore.DefaultWriters}"), CultureInfo.InvariantCulture);
            await StoreLoad.RunPostgresAsync(options, connection, writers);
            return 0;
        }

        if (options.Mode == "ceilings")
        {
            await Ceilings.RunAsync(options);
            return 0;
        }

        using var client = CreateClient(options);
        // Each writing mode has its own sensors, so no mode's readings are duplicates of another's.
        var prefix = LoadOptions.Value(args, "--sensor-prefix", options.Mode switch { "single" => "single", "batch" => "batch", _ => "load" });
        if (options.Mode is "batch" or "single" or "seed")
        {
            await EnsureSensorsAsync(client, prefix);
        }

        if (options.Mode == "seed-fleet")
        {
            await EnsureSensorsAsync(client, "fleet", FleetSensors, intervalSeconds: 60);
        }

        var result = options.Mode switch
        {
            "batch" => await RunTimedAsync(options, (c, n, ct) => PostBatchAsync(c, prefix, n, options.BatchSize, ct), client),
            "single" => await RunTimedAsync(options, (c, n, ct) => PostSingleAsync(c, n, ct), client),
            "seed" => await SeedAsync(options, client),
            "seed-fleet" => await RunTimedAsync(options with { Duration = TimeSpan.FromHours(1) },
                (c, n, ct) => PostFleetBatchAsync(c, n, ct), client, maxRequests: FleetSensors / 100 * (FleetMinutes / 10)),
            "series-week" => await RunTimedAsync(options, (c, n, ct) => GetAsync(c,
                $"/api/v1/sensors/fleet-{n * 7919 % FleetSensors}/series?from={Uri.EscapeDataString(Base.ToString("O"))}&to={Uri.EscapeDataString(Base.AddMinutes(FleetMinutes).ToString("O"))}&bucket=1h", ct), client),
            "models" => await ModelsLoad.RunAsync(options, client),
            "query" => await RunTimedAsync(options, (c, n, ct) => GetAsync(c, $"/api/v1/sensors/readings?sensor_id=load-{n % Sensors}&limit=1000", ct), client),
            "series" => await RunTimedAsync(options, (c, n, ct) => GetAsync(c,
                $"/api/v1/sensors/load-{n % Sensors}/series?from={Uri.EscapeDataString(SeriesFrom(options).ToString("O"))}&to={Uri.EscapeDataString(SeriesFrom(options).AddHours(24).ToString("O"))}&bucket=1m", ct), client),
            _ => throw new ArgumentException($"Unknown mode '{options.Mode}'."),
        };
        result.Print(options.Mode, options.Mode is "batch" or "seed" or "seed-fleet" ? options.BatchSize : options.Mode == "single" ? 1 : 0);
        return result.Errors == 0 ? 0 : 1;
    }

    internal static HttpClient CreateClient(LoadOptions options)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };
        if (options.Key is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", options.Key);
        }

        return client;
    }

    // Readings start 30 days back so that timestamps are never in the future and runs of a few minutes never collide.
    internal static readonly DateTimeOffset Base = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-30);

    private static DateTimeOffset SeriesFrom(LoadOptions options) => Base;

    private static async Task EnsureSensorsAsync(HttpClient client, string prefix, int sensors = Sensors, int intervalSeconds = 1)
    {
        await SendJsonAsync(client, HttpMethod.Put, "/api/v1/sites/load-site", """{"name":"Load test site"}""");
        await SendJsonAsync(client, HttpMethod.Put, "/api/v1/assets/load-asset", """{"site_id":"load-site","name":"Load asset","kind":"pump"}""");
        for (var i = 0; i < sensors; i++)
        {
            await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/sensors/{prefix}-{i}",
                $$"""{"asset_id":"load-asset","type":"temperature","unit":"°C","sample_interval_seconds":{{intervalSeconds}}}""");
        }
    }

    private static async Task SendJsonAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Batch n holds 10 sensors × (size / 10) one-second steps; no two batches share a (sensor, timestamp).</summary>
    internal static byte[] BuildBatch(string prefix, long n, int size, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartArray();
        var steps = size / 10;
        var group = n % 10;
        var firstSecond = n / 10 * steps;
        var first = Base.AddSeconds(firstSecond);
        for (var i = 0; i < size; i++)
        {
            // Each sensor draws a smooth 10-minute cycle with a little deterministic jitter: a plausible stream, so
            // the agents judge it without raising anomalies and the figure is the cost of judging, not of anomalies.
            var second = firstSecond + (i / 10);
            json.WriteStartObject();
            json.WriteString("sensor_id", $"{prefix}-{(group * 10) + (i % 10)}");
            json.WriteString("timestamp", first.AddSeconds(i / 10));
            json.WriteNumber("value", Math.Round(20 + (5 * Math.Sin(second * 2 * Math.PI / 600)) + (((second * 7919) + i) % 13 * 0.02), 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly ThreadLocal<ArrayBufferWriter<byte>> Buffers = new(() => new ArrayBufferWriter<byte>(100_000));

    private static async Task<int> PostBatchAsync(HttpClient client, string prefix, long n, int size, CancellationToken cancellationToken)
    {
        var body = BuildBatch(prefix, n, size, Buffers.Value!);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/api/v1/readings", content, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Fleet batch n: ten minutes of 100 of the fleet's sensors (1,000 readings), a reading a minute from <see cref="Base"/>.</summary>
    private static async Task<int> PostFleetBatchAsync(HttpClient client, long n, CancellationToken cancellationToken)
    {
        var buffer = Buffers.Value!;
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            var group = n % (FleetSensors / 100);
            var firstMinute = n / (FleetSensors / 100) * 10;
            for (var minute = firstMinute; minute < firstMinute + 10; minute++)
            {
                for (var s = 0; s < 100; s++)
                {
                    var sensor = (group * 100) + s;
                    json.WriteStartObject();
                    json.WriteString("sensor_id", $"fleet-{sensor}");
                    json.WriteString("timestamp", Base.AddMinutes(minute));
                    json.WriteNumber("value", Math.Round(20 + (5 * Math.Sin((minute + sensor) * 2 * Math.PI / 1440)) + ((minute * 7919) + sensor) % 13 * 0.02, 3));
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
        }

        using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/api/v1/readings", content, cancellationToken);
        return (int)response.StatusCode;
    }

    private static async Task<int> PostSingleAsync(HttpClient client, long n, CancellationToken cancellationToken)
    {
        var at = Base.AddSeconds(n / Sensors).ToString("O", CultureInfo.InvariantCulture);
        using var content = new StringContent(
            $"{{\"sensor_id\":\"single-{n % Sensors}\",\"timestamp\":\"{at}\",\"value\":{20 + (n % 50) * 0.25}}}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/data/ingest", content, cancellationToken);
        return (int)response.StatusCode;
    }

    internal static async Task<int> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Sends requests from <c>connections</c> workers for the duration; returns counts and latencies.</summary>
    internal static async Task<LoadResult> RunTimedAsync(
        LoadOptions options, Func<HttpClient, long, CancellationToken, Task<int>> send, HttpClient client, long? maxRequests = null)
    {
        var next = options.FirstBatch - 1;
        if (options.Warmup > TimeSpan.Zero && maxRequests is null)
        {
            // Same load, not counted: lets the JIT reach its optimised code and the store its steady size first.
            await RunAsync(options with { Duration = options.Warmup }, send, client, null, () => Interlocked.Increment(ref next));
        }

        return await RunAsync(options, send, client, maxRequests, () => Interlocked.Increment(ref next));
    }

    private static async Task<LoadResult> RunAsync(
        LoadOptions options, Func<HttpClient, long, CancellationToken, Task<int>> send, HttpClient client, long? maxRequests, Func<long> nextRequest)
    {
        using var stop = new CancellationTokenSource(options.Duration);
        var result = new LoadResult();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            var errors = 0;
            var statuses = new Dictionary<int, int>();
            while (!stop.IsCancellationRequested)
            {
                var n = nextRequest();
                if (n >= (maxRequests ?? long.MaxValue))
                {
                    break;
                }

                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    status = await send(client, n, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (status is < 200 or >= 300)
                {
                    errors++;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }

            result.Add(latencies, errors, statuses);
        })).ToArray();
        await Task.WhenAll(workers);
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static async Task<LoadResult> SeedAsync(LoadOptions options, HttpClient client)
    {
        var batches = (options.Readings + options.BatchSize - 1) / options.BatchSize;
        var seedOptions = options with { Duration = TimeSpan.FromHours(1) };
        return await RunTimedAsync(seedOptions, (c, n, ct) => PostBatchAsync(c, "load", n, options.BatchSize, ct), client, batches);
    }
}
