using System.Globalization;
using System.Net;
using System.Text;

namespace SmartMaintenance.IntegrationTests;

/// <summary><c>GET /api/v1/assets/{id}/health</c> on the real host: the asset agent's health from its sensors' roll-ups.</summary>
public sealed class AssetHealthApiTests
{
    [Fact]
    public async Task An_asset_learns_its_first_twelve_hours_and_then_reports_its_health_and_the_sensors_that_drive_it()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync("pump-1-flow");
        await app.SeedSensorAsync("pump-1-current");
        using var client = app.CreateAdminClient();

        // Thirteen hours of a reading a minute, current = 2 × flow; in the last half hour the current no longer follows.
        var start = DateTimeOffset.UtcNow.AddMinutes(-790);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
        var random = new Random(6);
        var csv = new StringBuilder("sensor_id,timestamp,value\n");
        for (var i = 0; i < 780; i++)
        {
            var at = start.AddMinutes(i).AddSeconds(5).ToString("O", CultureInfo.InvariantCulture);
            var flow = 40 + (10 * Math.Sin(i / 50.0)) + random.NextDouble();
            var current = (2 * flow) + (i >= 750 ? 15 : 0) + random.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"pump-1-flow,{at},{flow:0.###}\npump-1-current,{at},{current:0.###}\n");
        }

        (await client.PostAsync("/api/v1/readings", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

        var health = await (await client.GetAsync("/api/v1/assets/pump-1/health")).ReadJsonAsync();

        Assert.False(health.GetProperty("learning").GetBoolean(), health.ToString());
        Assert.Equal(720, health.GetProperty("rows_learned").GetInt32());
        Assert.True(health.GetProperty("abnormal").GetBoolean(), health.ToString());
        Assert.InRange(health.GetProperty("health").GetInt32(), 0, 49);
        // Two sensors that predict each other share a break between them: both are named, the one that moved among them.
        var drivers = health.GetProperty("drivers").EnumerateArray().Select(d => d.GetProperty("sensor_id").GetString()).ToList();
        Assert.Equal(["pump-1-current", "pump-1-flow"], drivers.Order(StringComparer.Ordinal));

        // Each minute judged after the learned ones is kept: the history shows the health falling when the current broke away.
        var history = await (await client.GetAsync("/api/v1/assets/pump-1/health/history")).ReadJsonAsync();
        var points = history.GetProperty("points").EnumerateArray()
            .Select(p => (At: p.GetProperty("at").GetDateTimeOffset(), Health: p.GetProperty("health").GetInt32())).ToList();
        Assert.Equal(780 - 720, points.Count);
        Assert.Equal(start.AddMinutes(720), points[0].At);
        Assert.True(points.Zip(points.Skip(1)).All(pair => pair.First.At < pair.Second.At));
        Assert.True(points.Take(25).Average(p => p.Health) > points.TakeLast(25).Average(p => p.Health) + 20, string.Join(' ', points.Select(p => p.Health)));
        Assert.Equal(health.GetProperty("health").GetInt32(), points[^1].Health);

        var narrowed = await (await client.GetAsync(
            $"/api/v1/assets/pump-1/health/history?from={Uri.EscapeDataString(start.AddMinutes(750).ToString("O", CultureInfo.InvariantCulture))}")).ReadJsonAsync();
        Assert.Equal(30, narrowed.GetProperty("points").GetArrayLength());
        await (await client.GetAsync("/api/v1/assets/pump-9/health/history")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync(
            $"/api/v1/assets/pump-1/health/history?from={Uri.EscapeDataString(start.AddDays(-40).ToString("O", CultureInfo.InvariantCulture))}")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_asset_or_one_with_a_single_sensor_answers_404_saying_why()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        var unknown = await (await client.GetAsync("/api/v1/assets/pump-9/health")).ProblemAsync(HttpStatusCode.NotFound);
        var single = await (await client.GetAsync("/api/v1/assets/pump-1/health")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("pump-9", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("fewer than two sensors", single.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
