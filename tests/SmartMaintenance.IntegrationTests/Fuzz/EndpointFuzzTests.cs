using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

using CsCheck;

using Microsoft.Data.Sqlite;

using Xunit.Abstractions;

namespace SmartMaintenance.IntegrationTests.Fuzz;

/// <summary>
/// Generated requests over every operation of the host (read from its endpoint list): never a 5xx, every refusal of
/// an API call a problem+json, and a refused request changes nothing stored.
/// </summary>
public sealed class EndpointFuzzTests(ITestOutputHelper output)
{
    /// <summary>Cases in the test command; <c>SMX_FUZZ_CASES</c> runs more (e.g. a soak of 200,000).</summary>
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("SMX_FUZZ_CASES"), out var n) ? n : 5_000;

    /// <summary>Tables only requests write (the agents write the others in the background).</summary>
    private static readonly string[] RequestOwnedTables =
        ["tenants", "sites", "assets", "sensors", "readings", "api_keys", "webhooks", "detector_settings", "users", "model_versions"];

    /// <summary>A non-GET operation accepted this often gets only requests meant to be refused afterwards.</summary>
    private const int AcceptedWritesPerOperation = 5;

    [Fact]
    public async Task Generated_hostile_requests_never_get_a_5xx_and_a_refused_request_changes_nothing()
    {
        await using var app = new SmartMaintenanceApplication();
        var known = await SeedAsync(app);
        var surface = await ApiSurface.ReadAsync(app);
        Assert.Contains(surface.Operations, o => o.Template == "/api/v1/readings" && o.Bodies.Count == 3);
        var fuzzer = new RequestFuzzer(surface, known);
        var operations = surface.Operations.ToArray();
        var gens = operations.Select(fuzzer.For).ToArray();
        using var client = app.CreateAdminClient();
        client.Timeout = TimeSpan.FromMinutes(2);
        var accepted = new Dictionary<ApiOperation, int>();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var sent = 0;

        await Gen.Int[0, operations.Length - 1].SelectMany(i => gens[i]).SampleAsync(async request =>
        {
            if (request.Operation.Method != "GET" && !request.Hostile && accepted.GetValueOrDefault(request.Operation) >= AcceptedWritesPerOperation)
            {
                return;
            }

            var before = Fingerprint(app.DataDir);
            using var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), request.Url);
            if (request.Body is { } body)
            {
                message.Content = new ByteArrayContent(body);
                if (request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var parsed))
                {
                    message.Content.Headers.ContentType = parsed;
                }
            }

            using var response = await client.SendAsync(message);
            sent++;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                failures.Add($"{status} for {request}: {await Excerpt(response)}");
            }
            else if (status >= 400)
            {
                if (request.Url.StartsWith("/api", StringComparison.Ordinal) && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{status} without problem+json for {request}");
                }

                if (Fingerprint(app.DataDir) != before)
                {
                    failures.Add($"{status} refused but changed stored data: {request}");
                }
            }
            else if (request.Operation.Method != "GET")
            {
                accepted[request.Operation] = accepted.GetValueOrDefault(request.Operation) + 1;
                if (request.Operation.Method == "DELETE")
                {
                    await SeedAsync(app);
                }
            }
        }, iter: Cases, threads: 1, seed: Environment.GetEnvironmentVariable("SMX_FUZZ_SEED"), print: r => r.ToString());

        output.WriteLine($"{sent} requests over {operations.Length} operations; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(sent >= Cases * 9 / 10, $"only {sent} of {Cases} cases were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} failures in {sent} requests:\n{string.Join('\n', failures.Take(25))}");
    }

    /// <summary>A site, an asset, a sensor with readings, a second key and a webhook; their ids for valid parameters.</summary>
    private static async Task<Dictionary<string, string>> SeedAsync(SmartMaintenanceApplication app)
    {
        using var admin = app.CreateAdminClient();
        await app.SeedSensorAsync(client: admin);
        // A generated request may have retired them (and a retired sensor refuses readings): bring them back, top down.
        foreach (var path in new[] { "sites/plant", "assets/pump-1", "sensors/pump-1-temp" })
        {
            (await admin.PostAsync($"/api/v1/{path}/reinstate", null)).EnsureSuccessStatusCode();
        }

        var now = DateTimeOffset.UtcNow;
        (await admin.PostAsJsonAsync("/api/v1/readings", Enumerable.Range(1, 30).Select(i => new
        {
            sensor_id = "pump-1-temp",
            timestamp = now.AddSeconds(-i),
            value = 20 + (i % 5),
        }))).EnsureSuccessStatusCode();
        var keys = await (await admin.GetAsync("/api/v1/api-keys")).ReadJsonAsync();
        var other = keys.EnumerateArray().FirstOrDefault(k => k.GetProperty("name").GetString() == "fuzz viewer");
        if (other.ValueKind == System.Text.Json.JsonValueKind.Undefined)
        {
            var created = await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "fuzz viewer", role = "viewer" })).ReadJsonAsync();
            other = created.GetProperty("key");
        }

        var known = ApiSurface.KnownValues(other.GetProperty("id").GetInt64());
        known["sensor_type"] = "temperature";
        known["asset_kind"] = "pump";
        known["bucket"] = "1m";
        known["culture"] = "pt-PT";
        return known;
    }

    /// <summary>A hash of every row of the tables that only requests write (each row's hash summed, so order is free).</summary>
    private static string Fingerprint(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "smartmaintenance.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var parts = new StringBuilder();
        var row = new StringBuilder();
        foreach (var table in RequestOwnedTables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = command.ExecuteReader();
            ulong sum = 0;
            var count = 0;
            while (reader.Read())
            {
                row.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Append(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
                }

                sum += BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(row.ToString())));
                count++;
            }

            parts.Append(table).Append(':').Append(count).Append(':').Append(sum).Append(' ');
        }

        return parts.ToString();
    }

    private static async Task<string> Excerpt(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 400 ? text[..400] : text;
    }
}
