using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>The pages that drive the pipeline: a case and its decision, the users admin.</summary>
public sealed class PipelinePagesTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string PumpName = "Test pump P-7";

    /// <summary>A pump with a calm temperature for five minutes, then 95 °C; returns the id of the case awaiting a decision.</summary>
    private static async Task<string> InjectFaultAndWaitForPendingCaseAsync(HttpClient api)
    {
        await BrowserHost.CreateSensorAsync(api, "test-plant", "test-pump", "pump", "test-pump-temp", "temperature", "°C", 0, 100, 1, PumpName);
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        object Reading(int second, double value) => new { sensor_id = "test-pump-temp", timestamp = start.AddSeconds(second), value };
        (await api.PostAsJsonAsync("/api/v1/readings",
            Enumerable.Range(0, 300).Select(i => Reading(i, 40 + (0.5 * Math.Sin(i * 0.7)) + (0.3 * Math.Cos(i * 1.3)))))).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/readings", new[] { Reading(300, 95) })).EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var pending = await api.GetFromJsonAsync<JsonElement>("/api/v1/decisions/pending");
            foreach (var c in pending.EnumerateArray().Where(c => c.GetProperty("asset_id").GetString() == "test-pump"))
            {
                return c.GetProperty("case_id").GetString()!;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("No case awaiting a decision for test-pump within 60 s.");
    }

    [Fact]
    public async Task A_decision_made_in_the_ui_lands_in_the_audit_trail_and_a_viewer_cannot_decide()
    {
        var admin = await host.SignedInAsync("admin", BrowserHost.AdminPassword);

        // The admin creates a viewer in the UI.
        await BrowserHost.CreateUserAsync(admin, "vera", "Vera Viewer", "vera-password-123");
        await Assertions.Expect(admin.GetByTestId("user-row").Filter(new() { HasText = "vera" }).GetByTestId("user-active")).ToHaveTextAsync("active");
        await BrowserHost.ScreenshotAsync(admin, "users");

        // A machine reports a fault through the API: the pipeline opens a case that waits for a person.
        using var api = host.Api();
        var caseUrl = "cases/" + await InjectFaultAndWaitForPendingCaseAsync(api);

        // The admin, still on the users page, hears of it through the bell and follows it to the case.
        await Assertions.Expect(admin.GetByTestId("bell-badge").Locator(".mud-badge")).ToBeVisibleAsync();
        await admin.Locator("button[aria-label^='Notifications, ']").ClickAsync();
        await admin.Locator("[data-testid=notification][data-type=HumanDecisionRequired]").Filter(new() { HasText = PumpName })
            .First.ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(caseUrl + "$"));

        // An anomaly validated on the pump leads to the pump's page, which knows of the case.
        await admin.Locator("button[aria-label^='Notifications, ']").ClickAsync();
        await admin.Locator("[data-testid=notification][data-type=AnomalyValidated]").Filter(new() { HasText = "test-pump" })
            .First.ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("assets/test-pump$"));
        await Assertions.Expect(admin.GetByTestId("asset-name")).ToHaveTextAsync(PumpName);
        await Assertions.Expect(admin.GetByTestId("asset-case").Filter(new() { HasText = "Awaiting decision" })).Not.ToHaveCountAsync(0);
        await BrowserHost.LiveAsync(admin);
        await BrowserHost.GoLiveAsync(admin, "/" + caseUrl);
        await Assertions.Expect(admin.GetByTestId("case-state")).ToHaveTextAsync("Awaiting decision");
        await Assertions.Expect(admin.GetByTestId("case-title")).ToHaveTextAsync($"Critical anomaly on {PumpName}");
        await Assertions.Expect(admin.GetByTestId("approval-policy")).ToContainTextAsync("a lone outlier always waits for a person");

        // The bell remembers across a reload what it said, and that it was read (the demo fleet may have added news since).
        var bell = admin.Locator("button[aria-label^='Notifications, ']");
        await bell.ClickAsync();
        var remembered = admin.Locator("[data-testid=notification][data-type=HumanDecisionRequired]").Filter(new() { HasText = PumpName });
        await Assertions.Expect(remembered).ToHaveCountAsync(1);
        await Assertions.Expect(remembered).ToHaveAttributeAsync("data-unread", "false");
        await BrowserHost.ScreenshotAsync(admin, "bell-history");
        await bell.ClickAsync();

        // The evidence is drawn: the sensor's readings around the anomalies, the anomalies marked on them.
        var evidence = admin.GetByTestId("evidence-chart").First;
        await Assertions.Expect(evidence.Locator("path.js-line").First).ToBeAttachedAsync();
        await Assertions.Expect(evidence).Not.ToHaveAttributeAsync("data-anomalies", "0");
        await Assertions.Expect(evidence).Not.ToHaveAttributeAsync("data-points", "0");

        // The viewer sees the same case and cannot decide it.
        var viewer = await host.SignedInAsync("vera", "vera-password-123");
        await BrowserHost.GoLiveAsync(viewer, "/" + caseUrl);
        await Assertions.Expect(viewer.GetByTestId("cannot-decide")).ToBeVisibleAsync();
        await Assertions.Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Record decision" })).ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(viewer, "case-viewer");

        // Nor does the viewer reach the admin page, neither by its address nor by navigating inside the app.
        await viewer.GotoAsync("/admin/users");
        await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Users and API keys" })).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        // The admin approves with a reason.
        await admin.GetByLabel("Reason").FillAsync("Bearing noise confirmed on site");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Record decision" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("decision")).ToContainTextAsync("Approve by user:1:Administrator");
        var decision = admin.Locator("[data-testid=story-entry][data-type=HumanDecision]");
        await Assertions.Expect(decision).ToHaveCountAsync(1);
        await Assertions.Expect(decision).ToContainTextAsync("Bearing noise confirmed on site");
        await Assertions.Expect(decision).ToContainTextAsync("Administrator");
        await BrowserHost.ScreenshotAsync(admin, "case-decided");

        // The audit trail, read through the API, holds the person's decision.
        var audit = await api.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=1000");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("type").GetString() == "HumanDecision" && e.GetProperty("actor").GetString() == "user:1:Administrator");

        // The case names its asset and leads to it; the asset page holds the case, its anomaly, and the work order the
        // approval planned.
        await admin.GetByTestId("asset-link").Filter(new() { HasText = PumpName }).ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("assets/test-pump$"));
        await Assertions.Expect(admin.GetByTestId("asset-anomaly").Filter(new() { HasText = "test-pump-temp" })).Not.ToHaveCountAsync(0);
        await Assertions.Expect(admin.GetByTestId("asset-work-order")).Not.ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Assertions.Expect(admin.GetByTestId("asset-sensor")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.GetByTestId("asset-sensor-chart")).Not.ToHaveAttributeAsync("data-points", "0");
        await Assertions.Expect(admin.GetByTestId("asset-prediction")).Not.ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(admin, "asset-page-after-decision");

        // The other pages show the same story's data, the asset by its name, leading to its page.
        await BrowserHost.GoLiveAsync(admin, "/anomalies");
        var anomalyRow = admin.GetByTestId("anomaly-row").Filter(new() { HasText = "test-pump-temp" }).First;
        await Assertions.Expect(anomalyRow).ToContainTextAsync(PumpName);
        await BrowserHost.ScreenshotAsync(admin, "anomalies");
        await anomalyRow.GetByTestId("asset-link").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("asset-name")).ToHaveTextAsync(PumpName);
        await BrowserHost.GoLiveAsync(admin, "/cases");
        await admin.GetByText("All", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("case-row").Filter(new() { HasText = PumpName })).Not.ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(admin, "cases");
        await BrowserHost.GoLiveAsync(admin, "/system");
        await Assertions.Expect(admin.GetByTestId("health-entry")).Not.ToHaveCountAsync(0);
        // The demo fleet streams all along: the agents' judging rate shows it within a few seconds.
        await Assertions.Expect(admin.GetByTestId("judged-rate")).Not.ToHaveTextAsync("0/s", new() { Timeout = 15_000 });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("audit-verification")).ToContainTextAsync("Intact");
        await BrowserHost.ScreenshotAsync(admin, "system");

        // The admin disables the viewer: her next page load goes to the sign-in form, and signing in fails.
        await BrowserHost.GoLiveAsync(admin, "/admin/users");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable vera" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-row").Filter(new() { HasText = "vera" })).ToContainTextAsync("disabled");
        await viewer.GotoAsync("/cases");
        await viewer.WaitForURLAsync("**/signin**");
        await viewer.GetByLabel("Username").FillAsync("vera");
        await viewer.GetByLabel("Password").FillAsync("vera-password-123");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(viewer.GetByTestId("signin-error")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_api_key_created_in_the_ui_works_for_a_machine_until_it_is_revoked_there()
    {
        var admin = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(admin, "/admin/users");
        await admin.GetByLabel("Key name").FillAsync("line-3 gateway");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var secret = await admin.GetByTestId("key-secret").Locator("code").InnerTextAsync();

        using var machine = host.Api(secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await machine.GetAsync("/api/v1/sensors")).StatusCode);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Revoke line-3 gateway" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("key-row").Filter(new() { HasText = "line-3 gateway" })).ToContainTextAsync("revoked");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/v1/sensors")).StatusCode);
    }
}
