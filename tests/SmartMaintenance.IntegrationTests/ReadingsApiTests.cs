using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace SmartMaintenance.IntegrationTests;

public class ReadingsApiTests
{
    private const string MixedBatch = """
        [
          {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":55.5},
          {"sensor_id":"ghost","timestamp":"2026-11-25T10:00:00Z","value":1},
          {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:01Z","value":"hot"},
          {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:02+01:00","value":56.5,"unit":"degC"}
        ]
        """;

    [Fact]
    public async Task Batch_with_bad_items_reports_each_stores_the_rest_and_a_resend_stores_nothing_twice()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var first = await client.PostAsync("/api/v1/readings", Json(MixedBatch));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = await first.ReadJsonAsync();
        Assert.Equal(4, report.GetProperty("received").GetInt32());
        Assert.Equal(2, report.GetProperty("accepted").GetInt32());
        var rejected = report.GetProperty("rejected").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToArray();
        Assert.Equal([(1, "sensor_id"), (2, "value")], rejected);

        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        var values = page.GetProperty("readings").EnumerateArray().Select(r => r.GetProperty("value").GetDouble()).ToArray();
        Assert.Equal([55.5, 56.5], values.Order());

        var again = await (await client.PostAsync("/api/v1/readings", Json(MixedBatch))).ReadJsonAsync();
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(2, again.GetProperty("duplicates").GetInt32());
        page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal(2, page.GetProperty("readings").GetArrayLength());
    }

    [Fact]
    public async Task Ndjson_and_csv_bodies_are_ingested_by_content_type()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var ndjson = await client.PostAsync("/api/v1/readings", new StringContent(
            "{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":1}\n{broken\n",
            Encoding.UTF8, "application/x-ndjson"));
        var csv = await client.PostAsync("/api/v1/readings", new StringContent(
            "sensor_id,timestamp,value,quality\npump-1-temp,2026-11-25T10:00:01Z,2,good\npump-1-temp,2026-11-25T10:00:02Z,3,bad\n",
            Encoding.UTF8, "text/csv"));
        var xml = await client.PostAsync("/api/v1/readings", new StringContent("<readings/>", Encoding.UTF8, "application/xml"));

        Assert.Equal(1, (await ndjson.ReadJsonAsync()).GetProperty("accepted").GetInt32());
        Assert.Equal(2, (await csv.ReadJsonAsync()).GetProperty("accepted").GetInt32());
        await xml.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal("bad", page.GetProperty("readings")[0].GetProperty("quality").GetString());
    }

    [Fact]
    public async Task Idempotency_key_replays_the_first_response_and_refuses_a_different_body()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        async Task<HttpResponseMessage> SendAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/readings") { Content = Json(body) };
            request.Headers.Add("Idempotency-Key", "batch-42");
            return await client.SendAsync(request);
        }

        var first = await (await SendAsync(MixedBatch)).Content.ReadAsStringAsync();
        var retry = await SendAsync(MixedBatch);
        Assert.Equal(first, await retry.Content.ReadAsStringAsync());
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));

        var problem = await (await SendAsync("[]")).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("different body", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idempotency_filter_replays_refusals_guards_both_ingest_endpoints_and_keeps_keys_per_tenant()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["Ingestion:MaxBodyBytes"] = "2000" });
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        async Task<HttpResponseMessage> SendAsync(string path, string key, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        // A refusal is an answer too: the same body under the same key gets it again, and nothing is ingested.
        const string ghost = """[{"sensor_id":"ghost","timestamp":"2026-11-25T10:00:00Z","value":1}]""";
        var refused = await (await SendAsync("/api/v1/readings", "k-refused", ghost)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        var replayed = await SendAsync("/api/v1/readings", "k-refused", ghost);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("application/problem+json", replayed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(refused.GetProperty("request_id").GetString(), (await replayed.ProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("request_id").GetString());

        // The single-reading endpoint is guarded by the same filter.
        const string one = """{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":40}""";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("/api/v1/data/ingest", "k-one", one)).StatusCode);
        var again = await SendAsync("/api/v1/data/ingest", "k-one", one);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // without the key, the second send is a 409 duplicate
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));

        // A key over 200 characters is refused; an oversized body is refused whole and not remembered under its key.
        await (await SendAsync("/api/v1/readings", new string('k', 201), "[]")).ProblemAsync(HttpStatusCode.BadRequest);
        var oversized = "[" + string.Join(',', Enumerable.Repeat(one, 40)) + "]";
        await (await SendAsync("/api/v1/readings", "k-big", oversized)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var afterBig = await SendAsync("/api/v1/readings", "k-big", "[]");
        Assert.Equal(HttpStatusCode.OK, afterBig.StatusCode);
        Assert.False(afterBig.Headers.Contains("Idempotent-Replayed"));

        // Keys are per tenant: another tenant's key of the same name is a new batch.
        var tenant = await (await client.PostAsJsonAsync("/api/v1/tenants", new { slug = "other", name = "Other" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("operator", tenant.GetProperty("id").GetInt64());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/readings") { Content = Json("[]") };
        request.Headers.Add("Idempotency-Key", "k-refused");
        var otherTenant = await other.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
        Assert.False(otherTenant.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Ingest_problems_have_the_shape_of_every_other_api_problem()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var ingest = await (await client.PostAsync("/api/v1/readings", Json("[{\"sensor_id\": }]"))).ProblemAsync(HttpStatusCode.BadRequest);
        var read = await (await client.GetAsync("/api/v1/sensors/readings?sensor_id=ghost")).ProblemAsync(HttpStatusCode.NotFound);

        static string[] Members(System.Text.Json.JsonElement problem) =>
            [.. problem.EnumerateObject().Select(p => p.Name).Where(n => n != "detail").Order()];
        Assert.Equal(Members(read), Members(ingest));
        Assert.Equal("/api/v1/readings", ingest.GetProperty("instance").GetString());
        Assert.Equal("/api/v1/sensors/readings", read.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Unreadable_oversized_or_entirely_invalid_bodies_get_problem_details()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string>
        {
            ["Ingestion:MaxBodyBytes"] = "2000",
            ["Ingestion:MaxBatchItems"] = "5",
        });
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var malformed = await (await client.PostAsync("/api/v1/readings", Json("[{\"sensor_id\": }]"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("line 1", malformed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var big = "[" + string.Join(',', Enumerable.Repeat("{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":1}", 40)) + "]";
        await (await client.PostAsync("/api/v1/readings", Json(big))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        var many = "[" + string.Join(',', Enumerable.Range(0, 6).Select(i => $"{{\"sensor_id\":\"p\",\"timestamp\":\"2026-11-25T10:00:0{i}Z\",\"value\":1}}")) + "]";
        await (await client.PostAsync("/api/v1/readings", Json(many))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        var invalid = await (await client.PostAsync("/api/v1/readings", Json("[{\"sensor_id\":\"ghost\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":1}]")))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("sensor_id", invalid.GetProperty("report").GetProperty("rejected")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Single_reading_endpoint_accepts_once_then_reports_the_duplicate()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        const string reading = """{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":40}""";

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/data/ingest", Json(reading))).StatusCode);
        await (await client.PostAsync("/api/v1/data/ingest", Json(reading))).ProblemAsync(HttpStatusCode.Conflict);

        // A batch sent to the single endpoint is refused whole: not even its first reading is stored.
        await (await client.PostAsync("/api/v1/data/ingest", Json(MixedBatch))).ProblemAsync(HttpStatusCode.BadRequest);
        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal(1, page.GetProperty("readings").GetArrayLength());
    }

    [Fact]
    public async Task Readings_page_newest_first_with_a_cursor_and_no_overlap()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var body = "[" + string.Join(',', Enumerable.Range(0, 250).Select(i =>
            $"{{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"{start.AddSeconds(i):O}\",\"value\":{i}}}")) + "]";
        Assert.Equal(250, (await (await client.PostAsync("/api/v1/readings", Json(body))).ReadJsonAsync()).GetProperty("accepted").GetInt32());

        var seen = new List<double>();
        string? cursor = null;
        do
        {
            var url = "/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=100" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>(url);
            seen.AddRange(page.GetProperty("readings").EnumerateArray().Select(r => r.GetProperty("value").GetDouble()));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 250).Reverse().Select(i => (double)i), seen);
        await (await client.GetAsync("/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=10001")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/v1/sensors/readings?sensor_id=nope")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Series_is_served_from_minute_and_hour_rollups()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var start = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        var body = "[" + string.Join(',', Enumerable.Range(0, 180).Select(i =>
            $"{{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"{start.AddSeconds(i * 20):O}\",\"value\":{i % 3}}}")) + "]";
        await client.PostAsync("/api/v1/readings", Json(body));

        var minutes = await client.GetFromJsonAsync<System.Text.Json.JsonElement>(
            "/api/v1/sensors/pump-1-temp/series?from=2026-11-25T08:00:00Z&to=2026-11-25T09:00:00Z&bucket=1m");
        var points = minutes.GetProperty("points");
        Assert.Equal(60, points.GetArrayLength());
        Assert.Equal(3, points[0].GetProperty("count").GetInt64());
        Assert.Equal(1.0, points[0].GetProperty("mean").GetDouble(), 9);
        Assert.Equal(1.0, points[0].GetProperty("variance").GetDouble(), 9);

        var hours = await client.GetFromJsonAsync<System.Text.Json.JsonElement>(
            "/api/v1/sensors/pump-1-temp/series?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z&bucket=1h");
        Assert.Equal(180, hours.GetProperty("points")[0].GetProperty("count").GetInt64());
        await (await client.GetAsync("/api/v1/sensors/pump-1-temp/series?bucket=5m")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Export_streams_the_window_oldest_first_across_pages_in_columns_ingestion_reads_back()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        const int count = 10_050; // more than one page of the export's 10,000-row reads
        static string Quality(int i) => i % 97 == 0 ? "uncertain" : i % 101 == 0 ? "bad" : "good";
        var body = "[" + string.Join(',', Enumerable.Range(0, count).Select(i => FormattableString.Invariant(
            $"{{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"{start.AddMilliseconds(i * 1500):O}\",\"value\":{i % 700 / 7.0:R},\"quality\":\"{Quality(i)}\"}}"))) + "]";
        Assert.Equal(count, (await (await client.PostAsync("/api/v1/readings", Json(body))).ReadJsonAsync()).GetProperty("accepted").GetInt32());

        var response = await client.GetAsync($"/api/v1/sensors/pump-1-temp/readings/export?from={start:O}&to={start.AddDays(1):O}".Replace("+", "%2B"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sensor_id,timestamp,value,unit,quality", lines[0]);
        Assert.Equal(count, lines.Length - 1);
        for (var i = 0; i < count; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(start.AddMilliseconds(i * 1500), DateTimeOffset.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(i % 700 / 7.0, double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Quality(i), fields[4]);
        }

        // The file goes back in as it came out: every row is known already.
        var again = await (await client.PostAsync("/api/v1/readings", new StringContent(csv, Encoding.UTF8, "text/csv"))).ReadJsonAsync();
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(count, again.GetProperty("duplicates").GetInt32());

        // A window holds only its own rows; bad requests get problem details; the UI's download path needs a session.
        var hour = await client.GetStringAsync("/api/v1/sensors/pump-1-temp/readings/export?from=2026-11-25T01:00:00Z&to=2026-11-25T02:00:00Z");
        Assert.Equal(2400, hour.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        await (await client.GetAsync("/api/v1/sensors/nope/readings/export")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/sensors/pump-1-temp/readings/export?from=2026-11-25T02:00:00Z&to=2026-11-25T01:00:00Z"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/sensors/pump-1-temp/readings/export")).StatusCode);
        var download = await anonymous.GetAsync("/download/sensors/pump-1-temp/readings.csv");
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        Assert.Contains("/signin", download.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Only_platform_admins_export_another_tenants_readings()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var acme = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "Acme" })).ReadJsonAsync();
        var acmeId = acme.GetProperty("id").GetInt64();
        using var acmeAdmin = await app.CreateClientWithKeyAsync("admin", acmeId);
        await app.SeedSensorAsync("acme-temp", acmeAdmin);
        var body = """[{"sensor_id":"acme-temp","timestamp":"2026-11-25T10:00:00Z","value":1},{"sensor_id":"acme-temp","timestamp":"2026-11-25T10:00:01Z","value":2}]""";
        Assert.Equal(2, (await (await acmeAdmin.PostAsync("/api/v1/readings", Json(body))).ReadJsonAsync()).GetProperty("accepted").GetInt32());
        const string Window = "from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z";

        var asPlatformAdmin = await admin.GetStringAsync($"/api/v1/sensors/acme-temp/readings/export?{Window}&tenant_id={acmeId}");
        Assert.Equal(3, asPlatformAdmin.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await (await admin.GetAsync($"/api/v1/sensors/acme-temp/readings/export?{Window}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await acmeAdmin.GetAsync($"/api/v1/sensors/pump-1-temp/readings/export?{Window}&tenant_id=1")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(3, (await acmeAdmin.GetStringAsync($"/api/v1/sensors/acme-temp/readings/export?{Window}&tenant_id={acmeId}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_deleted_sensor_takes_its_readings_with_it_and_is_unknown_at_once()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        await client.PostAsync("/api/v1/readings", Json(MixedBatch));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sensors/readings?sensor_id=pump-1-temp")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/sensors/pump-1-temp")).StatusCode);
        await (await client.DeleteAsync("/api/v1/sensors/pump-1-temp")).ProblemAsync(HttpStatusCode.NotFound);

        // Audited once (the second delete found nothing), with the asset it belonged to.
        var deleted = Assert.Single((await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/audit?limit=100")).GetProperty("entries")
            .EnumerateArray(), e => e.GetProperty("type").GetString() == "CatalogChanged"
                && e.GetProperty("payload").GetProperty("action").GetString() == "deleted");
        Assert.Equal(("catalog:sensor:pump-1-temp", "pump-1"),
            (deleted.GetProperty("correlation_id").GetString(), deleted.GetProperty("payload").GetProperty("asset_id").GetString()));
        await (await client.GetAsync("/api/v1/sensors/readings?sensor_id=pump-1-temp")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync("/api/v1/readings", Json(MixedBatch))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await app.SeedSensorAsync();
        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal(0, page.GetProperty("readings").GetArrayLength());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
