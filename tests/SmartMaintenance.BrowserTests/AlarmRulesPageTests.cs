using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>The alarm rules page: a limit set in the UI raises an anomaly on the next reading past it and is drawn on the chart.</summary>
public sealed class AlarmRulesPageTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string SensorId = "alarm-press-temp";

    [Fact]
    public async Task A_high_limit_set_in_the_ui_raises_an_anomaly_on_the_next_reading_past_it_and_is_drawn_on_the_chart()
    {
        using var api = host.Api();
        await BrowserHost.CreateSensorAsync(api, "alarm-plant", "alarm-press", "press", SensorId, "temperature", "°C", 0, 200, 1, "Hydraulic press H-2");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        object Reading(int second, double value) => new { sensor_id = SensorId, timestamp = start.AddSeconds(second), value };
        (await api.PostAsJsonAsync("/api/v1/readings", Enumerable.Range(0, 300).Select(i => Reading(i, 50 + (0.5 * Math.Sin(i * 0.7))))))
            .EnsureSuccessStatusCode();

        // From the sensor in the explorer to a new rule for it.
        var page = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(page, $"/sensors/{SensorId}");
        await page.GetByTestId("alarm-rule-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/alarms\\?sensor={SensorId}$"));
        await BrowserHost.LiveAsync(page);
        var form = page.GetByTestId("rule-form");
        await Assertions.Expect(form.GetByTestId("rule-target")).ToContainTextAsync(SensorId);

        // A low limit above the high one is refused on its field; then put right.
        await form.GetByLabel("High limit").FillAsync("80");
        await form.GetByLabel("Low limit").FillAsync("90");
        await form.GetByLabel("Hysteresis").FillAsync("2");
        await form.GetByLabel("Hysteresis").PressAsync("Tab");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rule-error")).ToBeVisibleAsync();
        await Assertions.Expect(form).ToContainTextAsync("high must be above low.");
        await form.GetByLabel("Low limit").FillAsync("");
        await form.GetByLabel("Low limit").PressAsync("Tab");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rule-saved")).ToContainTextAsync($"Alarm rule for {SensorId} saved");
        var row = page.GetByTestId("rule-row").Filter(new() { HasText = SensorId });
        await Assertions.Expect(row).ToContainTextAsync("80");
        await BrowserHost.ScreenshotAsync(page, "alarm-rules");

        // The next reading past the limit raises an anomaly named after it.
        (await api.PostAsJsonAsync("/api/v1/readings", new[] { Reading(400, 85) })).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement? raised = null;
        while (raised is null && DateTime.UtcNow < deadline)
        {
            var anomalies = await api.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?sensor_id={SensorId}");
            raised = anomalies.EnumerateArray().Where(a => a.GetProperty("detectors").EnumerateArray().Any(d => d.GetString() == "threshold_high"))
                .Select(a => (JsonElement?)a).FirstOrDefault();
            await Task.Delay(250);
        }

        Assert.True(raised is not null, "no anomaly from the high limit within 30 s");
        Assert.Equal(85, raised.Value.GetProperty("value").GetDouble());
        await BrowserHost.GoLiveAsync(page, "/anomalies");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = SensorId }).First).ToContainTextAsync("above the high limit");

        // The explorer draws the rule's limit beside the expected range.
        await BrowserHost.GoLiveAsync(page, $"/sensors/{SensorId}");
        var chart = page.GetByTestId("explorer-chart");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-limits", "3");
        await Assertions.Expect(chart.Locator(".shapelayer path")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("alarm-rule-link")).ToHaveTextAsync("Alarm rule");
        await BrowserHost.ScreenshotAsync(page, "explorer-alarm-limit");

        // The change is in the audit trail, told as a sentence.
        var audit = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id=alarm-rule:sensor:{SensorId}");
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.StartsWith("user:", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task A_viewer_reads_the_rules_but_is_offered_no_way_to_change_them()
    {
        var admin = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.CreateUserAsync(admin, "rules-viewer", "Rules Viewer", "viewer-password-123");
        var viewer = await host.SignedInAsync("rules-viewer", "viewer-password-123");
        await BrowserHost.GoLiveAsync(viewer, "/alarms");
        await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Detector sensitivity" })).ToBeVisibleAsync();
        await Assertions.Expect(viewer.GetByTestId("rule-new")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Reset to default" })).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Slider)).ToHaveCountAsync(0);
    }
}
