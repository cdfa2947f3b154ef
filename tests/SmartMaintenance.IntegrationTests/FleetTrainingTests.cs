using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using SmartMaintenance.Domain;
using SmartMaintenance.Models.Assets;
using SmartMaintenance.Simulation;
using SmartMaintenance.Storage;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// <c>POST /api/v1/ml/train</c>: an asset model trained on the tenant's own stored readings, cut into lives at the
/// failures completed maintenance confirmed, registered in staging; followed at <c>/api/v1/ml/training-runs/{id}</c>.
/// </summary>
public sealed class FleetTrainingTests
{
    /// <summary>
    /// Five pumps' run-to-failure records in the real store: their minute means as readings (roll-ups built by the
    /// store), and each failure as a validated anomaly that completed maintenance labelled a true alarm.
    /// </summary>
    private static async Task SeedFleetAsync(SmartMaintenanceApplication app, HttpClient admin, int pumps)
    {
        var catalog = app.Services.GetRequiredService<ICatalogStore>();
        var store = app.Services.GetRequiredService<IReadingStore>();
        (await admin.PutAsJsonAsync("/api/v1/sites/plant", new { name = "Plant" })).EnsureSuccessStatusCode();
        foreach (var history in RunToFailure.Generate("pump", pumps, seed: 11))
        {
            (await admin.PutAsJsonAsync($"/api/v1/assets/{history.AssetId}", new { site_id = "plant", name = history.AssetId, kind = "pump" })).EnsureSuccessStatusCode();
            for (var s = 0; s < history.Sensors.Count; s++)
            {
                var sensor = history.Sensors[s];
                (await admin.PutAsJsonAsync($"/api/v1/sensors/{sensor.SensorId}", new
                {
                    asset_id = history.AssetId,
                    type = sensor.Type,
                    unit = sensor.Unit,
                    expected_min = sensor.ExpectedMin,
                    expected_max = sensor.ExpectedMax,
                    sample_interval_seconds = 60,
                })).EnsureSuccessStatusCode();
                var key = (await catalog.FindSensorAsync(Tenant.DefaultId, sensor.SensorId, default))!.Key;
                var rows = history.Minutes[s].Select(m => new Reading(key, m.BucketStartMicros, m.Mean, ReadingQuality.Good)).ToArray();
                await store.AppendAsync(Tenant.DefaultId, rows, new bool[rows.Length], default);
            }

            var vibration = (await catalog.FindSensorAsync(Tenant.DefaultId, history.Sensors[1].SensorId, default))!;
            await ConfirmFailureAsync(app, vibration, UnixMicros.ToDateTimeOffset(history.FailedAtMicros!.Value).AddMinutes(-10));
        }
    }

    /// <summary>A failure as completed maintenance confirms it: a validated anomaly of the sensor, labelled a true alarm.</summary>
    private static async Task ConfirmFailureAsync(SmartMaintenanceApplication app, Sensor sensor, DateTimeOffset at)
    {
        var anomaly = new Anomaly(Guid.NewGuid(), Tenant.DefaultId, sensor.Key, sensor.SensorId, sensor.AssetId, at, at, at.AddMinutes(-5), at,
            9, 0.99, AnomalySeverity.High, ["resonance"], AnomalyStatus.Validated, Guid.NewGuid().ToString("N"));
        await app.Services.GetRequiredService<IAnomalyStore>().SaveAsync(anomaly, default);
        await app.Services.GetRequiredService<ILabelStore>().SaveAsync(
            [new AnomalyLabel(anomaly.AnomalyId, Tenant.DefaultId, AnomalyOutcome.TrueAlarm, Guid.NewGuid(), at.AddHours(2))], default);
    }

    /// <summary>Starts a training run with the request and follows it to its end.</summary>
    private static async Task<JsonElement> TrainToEndAsync(HttpClient client, object request) =>
        await FinishedAsync(client, (await client.PostAsJsonAsync("/api/v1/ml/train", request)).Headers.Location!.OriginalString);

    private static Task<JsonElement> FinishedAsync(HttpClient client, string location) => PumpSignal.PollAsync(async () =>
    {
        var run = await client.GetFromJsonAsync<JsonElement>(location);
        return run.GetProperty("status").GetString() is "completed" or "failed" ? run : (JsonElement?)null;
    }, "a finished training run", seconds: 180);

    [Fact]
    public async Task A_model_trained_on_the_fleets_own_failures_is_registered_in_staging_and_audited()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await SeedFleetAsync(app, admin, pumps: 5);
        using var planner = await app.CreateClientWithKeyAsync("planner");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");

        await (await operatorClient.PostAsJsonAsync("/api/v1/ml/train", new { asset_kind = "pump" })).ProblemAsync(HttpStatusCode.Forbidden);
        var started = await planner.PostAsJsonAsync("/api/v1/ml/train", new { asset_kind = "pump", from = "2025-12-01T00:00:00Z" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        var run = await FinishedAsync(operatorClient, location);
        Assert.True(run.GetProperty("status").GetString() == "completed", run.ToString());
        Assert.Equal(("asset-pump", 5, 5), (run.GetProperty("model_name").GetString(), run.GetProperty("assets").GetInt32(), run.GetProperty("failures").GetInt32()));
        Assert.True(run.GetProperty("samples").GetInt32() > 100);

        var version = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/ml/models/asset-pump/versions/{run.GetProperty("version").GetInt32()}");
        Assert.Equal(("staging", "asset-health", "pump"), (version.GetProperty("stage").GetString(), version.GetProperty("kind").GetString(),
            version.GetProperty("asset_kind").GetString()));
        Assert.StartsWith("key:", version.GetProperty("created_by").GetString());
        Assert.Contains("fleet", version.GetProperty("parameters").GetProperty("source").GetString());
        Assert.Equal("current,pressure,temperature,vibration", version.GetProperty("parameters").GetProperty("sensor_types").GetString());
        Assert.InRange(version.GetProperty("metrics").GetProperty("cv_f1").GetDouble(), 0, 1);

        // Recommended for the sensor types it reads, and only for those.
        var vibration = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/recommendations?sensor_type=Vibration");
        Assert.Equal("asset-pump", Assert.Single(vibration.EnumerateArray()).GetProperty("model").GetProperty("name").GetString());
        Assert.Empty((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/recommendations?sensor_type=flow")).EnumerateArray());
        Assert.Empty((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/recommendations?sensor_type=vibration&asset_kind=fan")).EnumerateArray());

        // Promoted, it serves the pumps' predictions; trained again, the next version names it as its parent.
        (await planner.PostAsync("/api/v1/ml/models/asset-pump/versions/1/promote", null)).EnsureSuccessStatusCode();
        var again = await FinishedAsync(operatorClient, (await planner.PostAsJsonAsync("/api/v1/ml/train",
            new { asset_kind = "pump", from = "2025-12-01T00:00:00Z" })).Headers.Location!.OriginalString);
        var second = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/ml/models/asset-pump/versions/{again.GetProperty("version").GetInt32()}");
        Assert.Equal(1, second.GetProperty("parent_version").GetInt32());

        // `smx train --url` does the same and follows the run to its end.
        var (log, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await SmartMaintenance.Cli.AssetCommand.TrainOnFleetAsync("", null, "pump", "pump-cli", 400, log, errors, default, planner));
        Assert.Contains("pump-cli v1 registered in staging: 5 assets, 5 failures", log.ToString());
        Assert.Equal(1, await SmartMaintenance.Cli.AssetCommand.TrainOnFleetAsync("", null, "turbine", null, 400, log, errors, default, planner));
        Assert.Contains("No asset of kind 'turbine'", errors.ToString());

        var runs = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/ml/training-runs");
        Assert.Equal(4, runs.GetArrayLength());
        var story = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id=training:{run.GetProperty("run_id").GetGuid():N}");
        Assert.Equal(["ModelTrainingStarted", "ModelTrainingCompleted"], story.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_run_without_enough_confirmed_failures_fails_saying_why_and_bad_requests_are_refused()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        await SeedFleetAsync(app, admin, pumps: 2);

        var few = await TrainToEndAsync(admin, new { asset_kind = "pump", from = "2025-12-01T00:00:00Z" });
        Assert.Equal("failed", few.GetProperty("status").GetString());
        Assert.Contains($"at least {AssetTrainingRuns.MinFailures} are needed", few.GetProperty("error").GetString());
        var none = await TrainToEndAsync(admin, new { asset_kind = "turbine" });
        Assert.Contains("No asset of kind 'turbine'", none.GetProperty("error").GetString());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models")).EnumerateArray());

        await (await admin.PostAsJsonAsync("/api/v1/ml/train", new { })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/v1/ml/train", new { asset_kind = "pump", name = "Bad Name" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/v1/ml/train", new { asset_kind = "pump", from = "2026-02-01T00:00:00Z", to = "2026-01-01T00:00:00Z" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.GetAsync($"/api/v1/ml/training-runs/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>The last three hours of every pump sensor sitting at the limit it fails at: a fleet unlike the one the model learned.</summary>
    private static async Task ShiftRecentReadingsAsync(SmartMaintenanceApplication app)
    {
        var catalog = app.Services.GetRequiredService<ICatalogStore>();
        var store = app.Services.GetRequiredService<IReadingStore>();
        var now = UnixMicros.From(DateTimeOffset.UtcNow);
        foreach (var sensor in (await catalog.ListSensorsAsync(Tenant.DefaultId, null, default)).Where(s => s.AssetId is not null))
        {
            var value = sensor.Type == "pressure" ? sensor.ExpectedMin!.Value : sensor.ExpectedMax!.Value;
            var rows = Enumerable.Range(1, 180).Select(m => new Reading(sensor.Key, now - (m * UnixMicros.PerMinute), value, ReadingQuality.Good)).ToArray();
            await store.AppendAsync(Tenant.DefaultId, rows, new bool[rows.Length], default);
        }
    }

    private static async Task ConfirmFailuresNowAsync(SmartMaintenanceApplication app, int count)
    {
        var sensors = await app.Services.GetRequiredService<ICatalogStore>().ListSensorsAsync(Tenant.DefaultId, null, default);
        foreach (var sensor in sensors.Where(s => s.Type == "vibration").Take(count))
        {
            await ConfirmFailureAsync(app, sensor, DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task Persisting_drift_with_new_confirmed_failures_makes_the_learning_agent_train_a_challenger_judged_against_the_champion()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-drift-").FullName;
        try
        {
            JsonElement runs, checks;
            await using (var app = new SmartMaintenanceApplication(dataDir: dataDir))
            {
                (runs, checks) = await DriftToChallengerAsync(app);
            }

            // Restarted on the same data: the runs and the checks are still there, as they were.
            await using var again = new SmartMaintenanceApplication(dataDir: dataDir);
            using var admin = again.CreateAdminClient();
            Assert.Equal(runs.ToString(), (await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/training-runs")).ToString());
            Assert.Equal(checks.ToString(), (await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/asset-pump/drift-checks")).ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Drift checked three times, the third starting a challenger run; returns the runs and the checks as the API lists them.</summary>
    private static async Task<(JsonElement Runs, JsonElement Checks)> DriftToChallengerAsync(SmartMaintenanceApplication app)
    {
        using var admin = app.CreateAdminClient();
        await SeedFleetAsync(app, admin, pumps: 5);
        var first = await TrainToEndAsync(admin, new { asset_kind = "pump", from = "2025-12-01T00:00:00Z" });
        Assert.Equal("completed", first.GetProperty("status").GetString());
        (await admin.PostAsync("/api/v1/ml/models/asset-pump/versions/1/promote", null)).EnsureSuccessStatusCode();
        await ShiftRecentReadingsAsync(app);

        async Task<JsonElement> CheckAsync() => await (await admin.PostAsync("/api/v1/ml/models/asset-pump/drift-checks", null)).ReadJsonAsync();
        var once = await CheckAsync();
        Assert.True(once.GetProperty("drifted").GetBoolean());
        // Hourly moments of the last day whose six-hour window holds the three hours of readings: three or so per pump.
        Assert.InRange(once.GetProperty("rows").GetInt32(), 5 * 2, 5 * 4);
        Assert.StartsWith("drift not yet persistent", once.GetProperty("decision").GetString());
        var twice = await CheckAsync();
        Assert.Equal("drift persists, but 0 failure(s) were confirmed since v1; retraining needs 3", twice.GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Null, twice.GetProperty("retraining_run").ValueKind);

        await ConfirmFailuresNowAsync(app, 3);
        var third = await CheckAsync();
        Assert.StartsWith("retraining: drift persists and 3 failure(s)", third.GetProperty("decision").GetString());
        var run = await FinishedAsync(admin, $"/api/v1/ml/training-runs/{third.GetProperty("retraining_run").GetGuid()}");
        Assert.True(run.GetProperty("status").GetString() == "completed", run.ToString());
        Assert.True(run.GetProperty("challenge").GetBoolean());
        Assert.Equal("agent:Learning", run.GetProperty("requested_by").GetString());
        var judged = run.GetProperty("judged");
        Assert.Equal(1, judged.GetProperty("champion_version").GetInt32());
        Assert.True(judged.GetProperty("held_out_samples").GetInt32() > 0);
        var promoted = judged.GetProperty("promoted").GetBoolean();
        Assert.Equal(promoted, judged.GetProperty("challenger_score").GetDouble() > judged.GetProperty("champion_score").GetDouble());
        var production = await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/asset-pump/versions/production");
        Assert.Equal(promoted ? 2 : 1, production.GetProperty("version").GetInt32());

        var story = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id=training:{run.GetProperty("run_id").GetGuid():N}");
        Assert.Contains(promoted ? "ChallengerPromoted" : "ChallengerKept", story.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var checks = await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/models/asset-pump/drift-checks");
        Assert.Equal(3, checks.GetArrayLength());
        var audited = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=model:asset-pump");
        Assert.Equal(3, audited.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "ModelDriftChecked"));
        var runs = await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/training-runs");
        Assert.Equal(2, runs.GetArrayLength());
        return (runs, checks);
    }

    [Fact]
    public async Task A_run_the_server_stopped_in_the_middle_of_reads_as_failed_saying_so()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var now = DateTimeOffset.UtcNow;
        var stopped = new TrainingRun(Guid.NewGuid(), Tenant.DefaultId, "asset-pump", "pump", now.AddDays(-180), now, "key:admin", now,
            TrainingRunStatus.Training, 0.35, Assets: 5, Failures: 5);
        await app.Services.GetRequiredService<IModelHistoryStore>().SaveRunAsync(stopped, default);

        var run = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/ml/training-runs/{stopped.RunId}");
        Assert.Equal(("failed", AssetTrainingRuns.Interrupted, 5), (run.GetProperty("status").GetString(), run.GetProperty("error").GetString(),
            run.GetProperty("assets").GetInt32()));
        var listed = Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/api/v1/ml/training-runs")).EnumerateArray());
        Assert.Equal("failed", listed.GetProperty("status").GetString());
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "other", name = "Other" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("admin", tenant.GetProperty("id").GetInt64());
        await (await other.GetAsync($"/api/v1/ml/training-runs/{stopped.RunId}")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
