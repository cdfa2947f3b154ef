using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Microsoft.Data.Sqlite;

namespace SmartMaintenance.IntegrationTests;

/// <summary>The whole maintenance story driven and observed through the API only.</summary>
public class GoldenPathTests
{
    /// <summary>A calm signal, then a fault (a spike): the pipeline should open a case that waits for a person.</summary>
    private static async Task<JsonElement> InjectFaultAndWaitForCaseAsync(SmartMaintenanceApplication app, HttpClient operatorClient)
    {
        await PumpSignal.InjectSpikeAsync(app, operatorClient);
        return await PumpSignal.PollAsync(async () =>
        {
            var pending = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/decisions/pending");
            return pending.GetArrayLength() > 0 ? pending[0] : (JsonElement?)null;
        }, "a case awaiting a decision");
    }

    [Fact]
    public async Task A_fault_becomes_a_case_a_decision_a_work_order_and_a_completion_under_one_correlation_id()
    {
        await using var app = new SmartMaintenanceApplication();
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        var pending = await InjectFaultAndWaitForCaseAsync(app, operatorClient);
        Assert.Equal("awaiting_decision", pending.GetProperty("state").GetString());
        Assert.Equal("pump-1", pending.GetProperty("asset_id").GetString());
        var caseId = pending.GetProperty("case_id").GetString();
        var correlationId = pending.GetProperty("correlation_id").GetString();

        var prediction = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/predictions?asset_id=pump-1"))[0];
        Assert.True(prediction.GetProperty("is_fallback").GetBoolean());
        Assert.Equal(correlationId, prediction.GetProperty("correlation_id").GetString());
        Assert.Equal(-3, prediction.GetProperty("explanation_base").GetDouble());

        var refused = await viewer.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { verdict = "approve", reason = "looks bad" });
        await refused.ProblemAsync(HttpStatusCode.Forbidden);

        var noVerdict = await operatorClient.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { reason = "forgot the verdict" });
        Assert.Contains("verdict", (await noVerdict.ProblemAsync(HttpStatusCode.BadRequest)).GetRawText(), StringComparison.OrdinalIgnoreCase);

        var decided = await operatorClient.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { verdict = "approve", reason = "bearing noise confirmed on site" });
        var scheduled = await decided.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("scheduled", scheduled.GetProperty("state").GetString());
        var workOrderId = scheduled.GetProperty("work_order_id").GetString();

        var again = await operatorClient.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { verdict = "reject", reason = "changed my mind" });
        Assert.Contains("cannot become rejected", (await again.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        var workOrder = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/work-orders/{workOrderId}");
        Assert.Equal("planned", workOrder.GetProperty("status").GetString());
        Assert.Equal(1, workOrder.GetProperty("priority").GetInt32());
        Assert.Contains("thermal", workOrder.GetProperty("required_skills").EnumerateArray().Select(s => s.GetString()));

        var completed = await operatorClient.PostAsJsonAsync($"/api/v1/maintenance/{workOrderId}/complete",
            new { outcome = "problem_found", findings = "worn bearing replaced", parts = new[] { "bearing 6205" }, duration_minutes = 90 });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal("completed", (await completed.ReadJsonAsync()).GetProperty("status").GetString());

        var detail = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}");
        Assert.Equal("closed", detail.GetProperty("case").GetProperty("state").GetString());
        Assert.Equal("approve", Assert.Single(detail.GetProperty("decisions").EnumerateArray()).GetProperty("verdict").GetString());

        var story = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={correlationId}");
        Assert.Equal(
            ["AnomalyDetected", "AnomalyValidated", "MaintenancePredicted", "CaseOpened", "HumanDecisionRequired", "HumanDecision",
             "MaintenanceScheduled", "MaintenanceCompleted", "CaseClosed", "OutcomeLabelled", "ReportGenerated"],
            story.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        // No model is registered for pumps here: the prediction says it is the fallback's, and why.
        var predicted = story.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "MaintenancePredicted");
        Assert.True(predicted.GetProperty("payload").GetProperty("is_fallback").GetBoolean());
        Assert.Equal("no production model is registered for asset kind 'pump'", predicted.GetProperty("payload").GetProperty("fallback_reason").GetString());
        var decision = story.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "HumanDecision");
        Assert.StartsWith("key:", decision.GetProperty("actor").GetString());
        Assert.True((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify")).GetProperty("valid").GetBoolean());

        // Learning labelled the anomaly by the outcome; Reporting kept the closing report with its hash.
        var label = Assert.Single((await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/learning/labels")).EnumerateArray());
        Assert.Equal("true_alarm", label.GetProperty("label").GetString());
        var summary = Assert.Single((await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/reports?case_id={caseId}")).EnumerateArray());
        var report = await operatorClient.GetAsync($"/api/v1/reports/{summary.GetProperty("report_id").GetString()}");
        var reportBody = await report.Content.ReadAsByteArrayAsync();
        Assert.Equal(summary.GetProperty("sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(reportBody)));
        Assert.Equal(summary.GetProperty("sha256").GetString(), report.Headers.GetValues("X-Content-SHA256").Single());
        using var reportJson = JsonDocument.Parse(reportBody);
        Assert.Equal("worn bearing replaced", reportJson.RootElement.GetProperty("work_order").GetProperty("completion").GetProperty("findings").GetString());
    }

    [Fact]
    public async Task A_case_awaiting_a_decision_survives_a_restart_and_is_decided_afterwards()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-it-case-").FullName;
        try
        {
            string caseId;
            await using (var first = new SmartMaintenanceApplication(dataDir: dataDir))
            {
                using var client = first.CreateAdminClient();
                caseId = (await InjectFaultAndWaitForCaseAsync(first, client)).GetProperty("case_id").GetString()!;
            }

            await using var second = new SmartMaintenanceApplication(dataDir: dataDir);
            using var restarted = second.CreateAdminClient();
            var noDate = await restarted.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { verdict = "defer", reason = "later" });
            Assert.Contains("defer_until", (await noDate.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());

            var deferred = await restarted.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision",
                new { verdict = "defer", reason = "wait for the planned stop", defer_until = DateTimeOffset.UtcNow.AddDays(2) });
            Assert.Equal(HttpStatusCode.OK, deferred.StatusCode);
            var body = await deferred.ReadJsonAsync();
            Assert.Equal("deferred", body.GetProperty("state").GetString());
            Assert.Equal(caseId, body.GetProperty("case_id").GetString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_step_that_keeps_failing_lands_in_dead_letters_and_a_replay_resumes_the_story()
    {
        // Resilience drill: the prediction step fails its next three attempts, which is every retry.
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string> { ["AGENT_FAULTS"] = "assess:3" });
        using var admin = app.CreateAdminClient();
        await PumpSignal.InjectSpikeAsync(app, admin);
        var letter = await PumpSignal.PollAsync(async () =>
        {
            var letters = await admin.GetFromJsonAsync<JsonElement>("/api/v1/dead-letters");
            return letters.GetArrayLength() > 0 ? letters[0] : (JsonElement?)null;
        }, "dead letter");
        Assert.Equal("assess", letter.GetProperty("step").GetString());
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Contains("Injected fault", letter.GetProperty("error").GetString());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/decisions/pending")).GetArrayLength());

        var replayed = await admin.PostAsync($"/api/v1/dead-letters/{letter.GetProperty("id").GetInt64()}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await replayed.ReadJsonAsync()).GetProperty("replayed_at").ValueKind);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/dead-letters")).GetArrayLength());

        var pending = await admin.GetFromJsonAsync<JsonElement>("/api/v1/decisions/pending");
        Assert.Equal(letter.GetProperty("correlation_id").GetString(), Assert.Single(pending.EnumerateArray()).GetProperty("correlation_id").GetString());
        var story = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={letter.GetProperty("correlation_id").GetString()}");
        Assert.Equal(
            ["AnomalyDetected", "AnomalyValidated", "DeadLettered", "MaintenancePredicted", "CaseOpened", "HumanDecisionRequired", "DeadLetterReplayed"],
            story.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()));

        var again = await admin.PostAsync($"/api/v1/dead-letters/{letter.GetProperty("id").GetInt64()}/replay", null);
        await again.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_overdue_decision_is_escalated_and_an_ended_deferral_asks_for_a_decision_again()
    {
        await using var app = new SmartMaintenanceApplication(settings: new Dictionary<string, string>
        {
            ["DECISION_TIMEOUT"] = "00:00:02",
            ["CASE_CHECK_INTERVAL"] = "00:00:00.200",
        });
        using var admin = app.CreateAdminClient();
        var pending = await InjectFaultAndWaitForCaseAsync(app, admin);
        var caseId = pending.GetProperty("case_id").GetString();
        var correlationId = pending.GetProperty("correlation_id").GetString();

        async Task<string[]> StoryAsync() => [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={correlationId}"))
            .GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];

        await PumpSignal.PollAsync(async () => (await StoryAsync()).Contains("DecisionEscalated") ? true : (bool?)null, "escalation");
        var escalated = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}");
        Assert.Equal("awaiting_decision", escalated.GetProperty("case").GetProperty("state").GetString());
        Assert.True(escalated.GetProperty("case").GetProperty("escalations").GetInt32() >= 1);

        var deferred = await admin.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision",
            new { verdict = "defer", reason = "wait for the spare part", defer_until = DateTimeOffset.UtcNow.AddSeconds(1) });
        Assert.Equal(HttpStatusCode.OK, deferred.StatusCode);
        var back = await PumpSignal.PollAsync(async () =>
        {
            var current = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}")).GetProperty("case");
            return current.GetProperty("state").GetString() == "awaiting_decision" ? current : (JsonElement?)null;
        }, "end of the deferral");
        Assert.Equal(JsonValueKind.Null, back.GetProperty("deferred_until").ValueKind);
        // The case's state is saved before its audit entry is appended: wait for the entry after the deferral.
        var story = await PumpSignal.PollAsync(async () =>
        {
            var entries = await StoryAsync();
            return Array.LastIndexOf(entries, "HumanDecision") is var last && last >= 0 && last + 1 < entries.Length
                ? (Entries: entries, Last: last) : ((string[] Entries, int Last)?)null;
        }, "the entry after the deferral");
        Assert.Equal("HumanDecisionRequired", story.Entries[story.Last + 1]);
    }
}
