using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using SmartMaintenance.Domain;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// A reading acknowledged as stored is judged by its sensor agent even when the process dies before the agent saw it
/// (the sensor agent's watermark, and what it judges after it on activation). Both stores.
/// </summary>
public class AtLeastOnceJudgingTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-25T10:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Readings_stored_before_a_SIGKILL_and_never_judged_are_judged_after_the_restart_and_each_anomaly_is_raised_once()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-it-alo-").FullName;
        var settings = new Dictionary<string, string>();
        if (SmartMaintenanceApplication.PostgresOf(dataDir) is { } postgres)
        {
            settings["SMX_POSTGRES"] = postgres;
        }

        try
        {
            using (var first = await ServerProcess.StartAsync(dataDir, settings))
            {
                using var admin = first.CreateClient();
                await SmartMaintenanceApplication.SeedSensorAsync(admin, "pump-1-temp");
                (await admin.PutAsJsonAsync("/api/v1/alarm-rules/sensor/pump-1-temp", new { high = 80, delay_seconds = 0 })).EnsureSuccessStatusCode();
                (await admin.PostAsync("/api/v1/readings", Readings((0, 40), (1, 41), (2, 40), (3, 42), (4, 40)))).EnsureSuccessStatusCode();

                // The agent writes its watermark after the first batch it judged.
                await PumpSignal.PollAsync(async () => Convert.ToInt64(await SmartMaintenanceApplication.SqlAsync(dataDir,
                    "SELECT count(*) FROM grain_state WHERE state_name = 'detector'"), CultureInfo.InvariantCulture) == 1 ? true : (bool?)null,
                    "the sensor agent's first saved state");

                // Acknowledged as stored, then SIGKILL at once: the agent may or may not have judged it.
                (await admin.PostAsync("/api/v1/readings", Readings((5, 95)))).EnsureSuccessStatusCode();
                first.Kill();
            }

            // What a crash between storing and passing on leaves behind: rows in the readings table that no agent saw.
            await InsertAsOfACrashAsync(dataDir, (6, 40), (7, 96));

            using var second = await ServerProcess.StartAsync(dataDir, settings);
            using var client = second.CreateClient();
            (await client.PostAsync("/api/v1/readings", Readings((8, 40)))).EnsureSuccessStatusCode();

            // Both readings past the limit raised the rule's alarm, each once: the one judged before the kill (or not) and
            // the one no agent had seen.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            List<DateTimeOffset> alarms;
            while ((alarms = await ThresholdAlarmsAsync(client)).Count < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Not both alarms within 30 s: {string.Join(", ", alarms)}");
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(alarms, await ThresholdAlarmsAsync(client));
            Assert.Equal([Start.AddSeconds(5), Start.AddSeconds(7)], alarms);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<List<DateTimeOffset>> ThresholdAlarmsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp")).EnumerateArray()
            .Where(a => a.GetProperty("detectors").EnumerateArray().Any(d => d.GetString() == "threshold_high"))
            .Select(a => a.GetProperty("at").GetDateTimeOffset())
            .Order()];

    private static StringContent Readings(params (int Second, double Value)[] readings) => new(
        JsonSerializer.Serialize(readings.Select(r => new { sensor_id = "pump-1-temp", timestamp = Start.AddSeconds(r.Second), value = r.Value })),
        Encoding.UTF8, "application/json");

    private static async Task InsertAsOfACrashAsync(string dataDir, params (int Second, double Value)[] readings)
    {
        foreach (var (second, value) in readings)
        {
            var micros = UnixMicros.From(Start.AddSeconds(second));
            await SmartMaintenanceApplication.SqlAsync(dataDir, SmartMaintenanceApplication.PostgresServer is { Length: > 0 }
                ? "INSERT INTO readings (sensor_key, ts, value, quality, tenant_id) SELECT key, to_timestamp($1::double precision / 1e6), $2, 0, tenant_id FROM sensors WHERE sensor_id = 'pump-1-temp'"
                : "INSERT INTO readings (sensor_key, ts, value, quality, tenant_id) SELECT key, $1, $2, 0, tenant_id FROM sensors WHERE sensor_id = 'pump-1-temp'",
                micros, value);
        }
    }
}
