using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace SmartMaintenance.IntegrationTests;

/// <summary>Inputs that once answered 500 (issue 12's probe): each now gets a 4xx problem and leaves the data readable.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("\"NaN\"")]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    public async Task A_sensor_limit_that_is_not_a_finite_number_is_refused_and_the_sensor_list_stays_readable(string limit)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var body = $$"""{"asset_id":"pump-1","type":"temperature","unit":"°C","expected_min":0,"expected_max":{{limit}},"sample_interval_seconds":1}""";

        foreach (var send in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.PutAsync("/api/v1/sensors/pump-1-temp", new StringContent(body, Encoding.UTF8, "application/json")),
            () => client.PostAsync("/api/v1/sensors", new StringContent(body.Replace("{\"asset_id\"", "{\"sensor_id\":\"pump-1-new\",\"asset_id\"", StringComparison.Ordinal), Encoding.UTF8, "application/json")),
        })
        {
            var problem = await (await send()).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("expected_max", problem.ToString(), StringComparison.Ordinal);
        }

        var sensors = await client.GetAsync("/api/v1/sensors");
        Assert.Equal(HttpStatusCode.OK, sensors.StatusCode);
        Assert.Equal(100, (await sensors.ReadJsonAsync()).EnumerateArray().Single().GetProperty("expected_max").GetDouble());
    }

    [Fact]
    public async Task Readings_too_large_for_the_roll_ups_are_refused_and_the_series_stays_readable()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var minute = DateTimeOffset.UtcNow.AddMinutes(-10);
        minute = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero);
        var readings = new[] { 20, 1e160, -1e160, 1e308, -1e308 }.Select((v, i) => new { sensor_id = "pump-1-temp", timestamp = minute.AddSeconds(i + 1), value = v });
        var report = await (await client.PostAsJsonAsync("/api/v1/readings", readings)).ReadJsonAsync();
        Assert.Equal(1, report.GetProperty("accepted").GetInt32());
        Assert.All(report.GetProperty("rejected").EnumerateArray(), r => Assert.Equal("value", r.GetProperty("field").GetString()));

        var series = await client.GetAsync($"/api/v1/sensors/pump-1-temp/series?from={Uri.EscapeDataString(minute.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(minute.AddHours(1).ToString("O"))}");

        Assert.Equal(HttpStatusCode.OK, series.StatusCode);
    }

    [Theory]
    [InlineData("application/json", HttpStatusCode.BadRequest)] // a JSON array is refused whole
    [InlineData("application/x-ndjson", HttpStatusCode.UnprocessableEntity)] // an NDJSON line is rejected alone
    public async Task A_body_that_is_not_utf8_is_refused_with_a_problem(string contentType, HttpStatusCode status)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var item = """{"sensor_id":"pump-1-temp","timestamp":"2026-01-01T00:00:00Z","value":1,"unit":"X"}""";
        var bytes = Encoding.UTF8.GetBytes(contentType == "application/json" ? $"[{item}]" : item).ToList();
        bytes.InsertRange(bytes.IndexOf((byte)'X'), [0xC3, 0x28]);
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new(contentType);

        var problem = await (await client.PostAsync("/api/v1/readings", content)).ProblemAsync(status);
        Assert.Contains("UTF-8", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/sensors/pump-1-temp/series?from=0001-01-01T00:00:00Z&to=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/sensors/pump-1-temp/series?to=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/sensors/pump-1-temp/readings/export?to=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/sensors/pump-1-temp/readings/export?to=0001-01-01T00:00:01Z&from=0001-01-01T00:00:01Z")]
    [InlineData("/api/v1/sensors/pump-1-temp/readings/export?from=9999-12-31T23:59:59Z")]
    public async Task A_window_at_the_ends_of_the_calendar_is_refused_with_a_problem(string path)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var response = await client.GetAsync(path);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_language_switch_with_a_return_address_that_leaves_the_site_goes_home()
    {
        await using var app = new SmartMaintenanceApplication();
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/account/culture?culture=en&return_url=%2F%09%2Fevil.example");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:8080/api/v1/readings")]
    [InlineData("http://[::1]:30000/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://127.1/")]
    [InlineData("http://192.168.0.10/hook")]
    public async Task A_webhook_to_a_private_or_loopback_address_is_refused_and_not_stored(string url)
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();

        var problem = await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("url", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await (await admin.GetAsync("/api/v1/webhooks")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://93.184.216.34/hook" })).StatusCode);
    }

    [Fact]
    public async Task Ambiguous_or_contradictory_bodies_are_refused_naming_the_field()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();

        var range = await (await admin.PutAsJsonAsync("/api/v1/sensors/pump-1-temp",
            new { asset_id = "pump-1", type = "temperature", unit = "°C", expected_min = 90, expected_max = 10, sample_interval_seconds = 1 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("expected_min", range.ToString(), StringComparison.Ordinal);
        var twice = await (await admin.PutAsync("/api/v1/sites/plant", new StringContent("""{"name":"Plant","name":"Other"}""", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("name", twice.ToString(), StringComparison.Ordinal);
        await (await admin.PostAsync("/api/v1/api-keys", new StringContent("""{"name":"k","role":123}""", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/v1/cases?state=10001")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("Plant", (await (await admin.GetAsync("/api/v1/sites/plant")).ReadJsonAsync()).GetProperty("name").GetString());
        Assert.Equal(100, (await (await admin.GetAsync("/api/v1/sensors/pump-1-temp")).ReadJsonAsync()).GetProperty("expected_max").GetDouble());
    }

    [Fact]
    public async Task An_exported_text_that_starts_like_a_formula_is_written_so_a_spreadsheet_shows_it()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();
        (await admin.PutAsJsonAsync("/api/v1/sensors/pump-1-odd", new { asset_id = "pump-1", type = "flow", unit = "=HYPERLINK(\"http://x\")", sample_interval_seconds = 1 }))
            .EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/readings", new[] { new { sensor_id = "pump-1-odd", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), value = 1.5 } }))
            .EnsureSuccessStatusCode();

        var csv = await admin.GetStringAsync("/api/v1/sensors/pump-1-odd/readings/export");

        var row = csv.Split('\n')[1];
        Assert.Contains(",\"'=HYPERLINK(\"\"http://x\"\")\",", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_planner_ingests_as_the_readme_says()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var planner = await app.CreateClientWithKeyAsync("planner");

        var response = await planner.PostAsJsonAsync("/api/v1/readings", new[] { new { sensor_id = "pump-1-temp", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1), value = 20.5 } });

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
    }

    [Fact]
    public async Task A_sensor_without_its_sample_interval_is_refused_naming_the_field_as_sent()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();

        var problem = await (await admin.PutAsJsonAsync("/api/v1/sensors/pump-1-temp", new { asset_id = "pump-1", type = "temperature", unit = "°C" }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.Contains("sample_interval_seconds field is required", errors.GetProperty("sample_interval_seconds")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await (await admin.GetAsync("/api/v1/sensors/pump-1-temp")).ReadJsonAsync()).GetProperty("sample_interval_seconds").GetDouble());
    }

    [Theory]
    [InlineData("/api/v1/sites/plant", """{"name":"Pl\u0000ant"}""", "$.name")]
    [InlineData("/api/v1/sites/plant", """{"name":"Plant","location":"\u001b[31mred"}""", "$.location")]
    [InlineData("/api/v1/sites/plant", """{"name":"Pl\ud800ant"}""", "$.name")]
    [InlineData("/api/v1/sensors/pump-1-temp", """{"asset_id":"pump-1","type":"temperature","unit":"\u0000C","sample_interval_seconds":1}""", "$.unit")]
    public async Task A_text_with_a_control_character_or_half_a_surrogate_pair_is_refused_naming_it(string path, string body, string field)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();

        var problem = await (await admin.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Plant", (await (await admin.GetAsync("/api/v1/sites/plant")).ReadJsonAsync()).GetProperty("name").GetString());
        Assert.Equal("°C", (await (await admin.GetAsync("/api/v1/sensors/pump-1-temp")).ReadJsonAsync()).GetProperty("unit").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync(path, new StringContent(body.Replace("\\u0000", "", StringComparison.Ordinal)
            .Replace("\\u001b", "", StringComparison.Ordinal).Replace("\\ud800", "", StringComparison.Ordinal), Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task A_reading_that_would_register_a_sensor_with_an_odd_id_or_unit_is_rejected_alone()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = await app.CreateClientWithKeyAsync("operator", autoRegister: true);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);

        var report = await (await client.PostAsJsonAsync("/api/v1/readings", new object[]
        {
            new { sensor_id = "new\u0000one", timestamp = at, value = 1.0 },
            new { sensor_id = "new one", timestamp = at, value = 1.0 },
            new { sensor_id = "pump-1-flow", timestamp = at, value = 1.0, unit = "m3/h\u0007" },
            new { sensor_id = "pump-1-flow", timestamp = at, value = 1.0, unit = new string('m', 33) },
            new { sensor_id = "pump-1-flow", timestamp = at, value = 1.0, unit = "m3/h" },
        })).ReadJsonAsync();

        Assert.Equal(1, report.GetProperty("accepted").GetInt32());
        Assert.Equal(["sensor_id", "sensor_id", "unit", "unit"], report.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("field").GetString()));
        using var admin = app.CreateAdminClient();
        Assert.Equal(["pump-1-flow", "pump-1-temp"], (await (await admin.GetAsync("/api/v1/sensors")).ReadJsonAsync()).EnumerateArray().Select(s => s.GetProperty("sensor_id").GetString()).Order());
    }

    [Theory]
    [InlineData("/api/v1/anomalies?since=1.5", "since")]
    [InlineData("/api/v1/anomalies?since=2026-01-01", "since")]
    [InlineData("/api/v1/anomalies?since=2026-01-01T00:00:00", "since")]
    [InlineData("/api/v1/anomalies?since=01/02/2026%2010:00:00Z", "since")]
    [InlineData("/api/v1/sensors/pump-1-temp/series?from=2026-01-01T00:00:00", "from")]
    [InlineData("/api/v1/sensors/pump-1-temp/readings/export?to=tomorrow", "to")]
    [InlineData("/api/v1/sensors/readings?sensor_id=pump-1-temp&from=1.5", "from")]
    public async Task A_query_time_must_be_iso_8601_with_an_offset(string url, string parameter)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();

        var problem = await (await admin.GetAsync(url)).ProblemAsync(HttpStatusCode.BadRequest);

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($" {parameter}\"", detail, StringComparison.Ordinal);
        Assert.Contains("UTC offset", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/anomalies?since=2026-01-01T00:00:00Z")]
    [InlineData("/api/v1/anomalies?since=2026-01-01T01:00%2B01:00")]
    [InlineData("/api/v1/sensors/pump-1-temp/series?from=2026-01-01T00:00:00.123456Z&to=2026-01-02T00:00:00-05:00")]
    public async Task A_query_time_in_iso_8601_with_an_offset_is_read(string url)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(url)).StatusCode);
    }
}
