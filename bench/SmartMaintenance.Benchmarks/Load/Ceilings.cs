using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Benchmarks.Load;

/// <summary>
/// The two ceilings the ingest figure is judged against, measured on this machine in the same run:
/// a bare Kestrel endpoint that only deserialises the same batches, and a bare prepared-statement insert loop.
/// </summary>
internal static class Ceilings
{
    private sealed record BareReading(string SensorId, DateTimeOffset Timestamp, double Value);

    public static async Task RunAsync(LoadOptions options)
    {
        await BareKestrelAsync(options);
        MeasureBareInsertLoop();
    }

    private static async Task BareKestrelAsync(LoadOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        app.MapPost("/api/v1/readings", async (HttpRequest request) =>
        {
            var readings = await JsonSerializer.DeserializeAsync<BareReading[]>(request.Body, json);
            return Results.Ok(readings?.Length ?? 0);
        });
        var port = options.Url.Port + 1;
        app.Urls.Add($"http://127.0.0.1:{port}");
        await app.StartAsync();
        try
        {
            using var client = LoadCommand.CreateClient(options with { Url = new Uri($"http://127.0.0.1:{port}"), Key = null });
            var buffers = new ThreadLocal<System.Buffers.ArrayBufferWriter<byte>>(() => new(100_000));
            var result = await LoadCommand.RunTimedAsync(options, async (c, n, ct) =>
            {
                using var content = new ByteArrayContent(LoadCommand.BuildBatch("load", n, options.BatchSize, buffers.Value!));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await c.PostAsync("/api/v1/readings", content, ct);
                return (int)response.StatusCode;
            }, client);
            result.Print("ceiling: bare Kestrel + System.Text.Json deserialise", options.BatchSize);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static void MeasureBareInsertLoop()
    {
        var folder = Directory.CreateTempSubdirectory("smx-ceiling-").FullName;
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "bare.db")}");
            connection.Open();
            BareInsertLoop.CreateTable(connection);
            const int rows = 2_000_000;
            const int perTransaction = 10_000;
            var batch = new Reading[perTransaction];
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < rows; start += perTransaction)
            {
                for (var i = 0; i < perTransaction; i++)
                {
                    var n = start + i;
                    batch[i] = new Reading(n % 100, (long)n * 1_000_000, n * 0.5, ReadingQuality.Good);
                }

                BareInsertLoop.Insert(connection, batch);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ceiling: bare prepared-statement insert loop (WAL, synchronous=FULL, {perTransaction} rows/commit): {rows / clock.Elapsed.TotalSeconds:0} rows/s"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
