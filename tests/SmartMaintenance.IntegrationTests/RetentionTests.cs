using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public sealed class RetentionTests
{
    [Fact]
    public async Task An_admin_sets_a_policy_and_runs_it_old_readings_go_to_the_export_recent_ones_and_rollups_stay_and_all_is_audited()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        await app.SeedSensorAsync();
        var now = DateTimeOffset.UtcNow;
        // 40 and 20 days old (past raw_days = 10), one 20 days old within the minute roll-ups' 30 days, one an hour old.
        DateTimeOffset[] old = [now.AddDays(-40), now.AddDays(-20)];
        var recent = now.AddHours(-1);
        var body = old.Append(recent).Select((t, i) => new { sensor_id = "pump-1-temp", timestamp = t, value = 20.5 + i });
        (await admin.PostAsJsonAsync("/api/v1/readings", body)).EnsureSuccessStatusCode();

        Assert.Equal(JsonValueKind.Null, (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/retention")).GetProperty("policy").ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync("/api/v1/retention", new { raw_days = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/retention/run", null)).StatusCode);
        await (await admin.PostAsync("/api/v1/retention/run", null)).ProblemAsync(HttpStatusCode.NotFound);
        var noRaw = await (await admin.PutAsJsonAsync("/api/v1/retention", new { raw_days = 0 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noRaw.GetProperty("errors").TryGetProperty("raw_days", out _));
        var shortRollups = await (await admin.PutAsJsonAsync("/api/v1/retention", new { raw_days = 10, minute_rollup_days = 5 }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(shortRollups.GetProperty("errors").TryGetProperty("minute_rollup_days", out _));

        var set = await admin.PutAsJsonAsync("/api/v1/retention", new { raw_days = 10, minute_rollup_days = 30, hour_rollup_days = (int?)null, export_dropped = true });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var run = await (await admin.PostAsync("/api/v1/retention/run", null)).ReadJsonAsync();

        Assert.Equal((2, 1, 0), (run.GetProperty("raw_readings").GetInt32(), run.GetProperty("minute_rollups").GetInt32(), run.GetProperty("hour_rollups").GetInt32()));
        Assert.Equal(1L, await CountAsync(app, "readings"));
        Assert.Equal(2L, await CountAsync(app, "rollup_minute"));
        Assert.Equal(3L, await CountAsync(app, "rollup_hour"));
        var exported = await ReadExportAsync(Path.Combine(app.DataDir, run.GetProperty("export_file").GetString()!));
        Assert.Equal(
            ["sensor_id,timestamp,value,unit,quality", $"pump-1-temp,{Text(old[0])},20.5,°C,good", $"pump-1-temp,{Text(old[1])},21.5,°C,good"],
            exported);

        var shown = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/retention");
        Assert.Equal(10, shown.GetProperty("policy").GetProperty("raw_days").GetInt32());
        Assert.Equal(2, shown.GetProperty("last_run").GetProperty("raw_readings").GetInt32());
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=50");
        var types = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("RetentionPolicyChanged", types);
        Assert.Contains("RetentionApplied", types);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify")).GetProperty("valid").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/retention")).StatusCode);
        await (await admin.DeleteAsync("/api/v1/retention")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_policy_is_applied_by_itself_at_the_configured_interval()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["RETENTION_INTERVAL"] = "00:00:01" });
        using var admin = app.CreateAdminClient();
        await app.SeedSensorAsync();
        var body = new[] { new { sensor_id = "pump-1-temp", timestamp = DateTimeOffset.UtcNow.AddDays(-3), value = 1.0 } };
        (await admin.PostAsJsonAsync("/api/v1/readings", body)).EnsureSuccessStatusCode();

        (await admin.PutAsJsonAsync("/api/v1/retention", new { raw_days = 1 })).EnsureSuccessStatusCode();

        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await CountAsync(app, "readings") > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the worker did not apply the policy within 30 s");
            await Task.Delay(100);
        }

        // The run is recorded beside the policy just after its deletes commit.
        JsonElement lastRun;
        while ((lastRun = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/retention")).GetProperty("last_run")).ValueKind != JsonValueKind.Object)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the worker's run was not recorded within 30 s");
            await Task.Delay(100);
        }

        Assert.Equal("scheduled", lastRun.GetProperty("trigger").GetString());
    }

    private static async Task<long> CountAsync(SmartMaintenanceApplication app, string table) =>
        Convert.ToInt64(await SmartMaintenanceApplication.SqlAsync(app.DataDir, $"SELECT count(*) FROM {table}"), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string[]> ReadExportAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    // Timestamps are stored to the microsecond, and exported so.
    private static string Text(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
