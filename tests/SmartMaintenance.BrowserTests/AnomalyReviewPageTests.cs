using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>An anomaly's page: acknowledged, commented on and marked a false alarm, which lands in the learning labels.</summary>
public sealed class AnomalyReviewPageTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string SensorId = "review-fan-vib";

    [Fact]
    public async Task An_anomaly_marked_a_false_alarm_on_its_page_appears_in_the_learning_labels()
    {
        using var api = host.Api();
        await BrowserHost.CreateSensorAsync(api, "review-plant", "review-fan", "fan", SensorId, "vibration", "mm/s", 0, 50, 1, "Cooling fan F-3");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds());
        object Reading(int second, double value) => new { sensor_id = SensorId, timestamp = start.AddSeconds(second), value };
        (await api.PostAsJsonAsync("/api/v1/readings", Enumerable.Range(0, 300).Select(i => Reading(i, 2 + (0.1 * Math.Sin(i * 0.7))))))
            .EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/readings", new[] { Reading(300, 30) })).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (await api.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?sensor_id={SensorId}")).GetArrayLength() == 0)
        {
            await Task.Delay(250);
        }

        // From the list to the anomaly's page.
        var page = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(page, "/anomalies");
        var row = page.GetByTestId("anomaly-row").Filter(new() { HasText = SensorId });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Cooling fan F-3");
        await row.GetByTestId("anomaly-link").ClickAsync();
        await BrowserHost.LiveAsync(page);
        await Assertions.Expect(page.GetByTestId("anomaly-title")).ToContainTextAsync($"Anomaly on {SensorId}");
        await Assertions.Expect(page.GetByTestId("anomaly-detectors")).ToContainTextAsync("single spike");
        await Assertions.Expect(page.GetByTestId("anomaly-chart")).ToHaveAttributeAsync("data-series", "2");

        // Acknowledged once, a comment, then marked a false alarm with its reason.
        await page.GetByTestId("acknowledge").ClickAsync();
        await Assertions.Expect(page.GetByTestId("anomaly-acknowledged")).ToContainTextAsync("Acknowledged by Administrator");
        await Assertions.Expect(page.GetByTestId("acknowledge")).ToBeDisabledAsync();
        await page.GetByLabel("Comment (also kept as the reason of a mark)").FillAsync("Checked on site: the fan is fine.");
        await page.GetByTestId("add-comment").ClickAsync();
        await Assertions.Expect(page.GetByTestId("anomaly-note")).ToHaveCountAsync(2);
        await page.GetByLabel("Comment (also kept as the reason of a mark)").FillAsync("A technician bumped the sensor.");
        await page.GetByTestId("mark-false").ClickAsync();
        await Assertions.Expect(page.GetByTestId("anomaly-label")).ToContainTextAsync("Learning label: False alarm, by Administrator — A technician bumped the sensor.");
        await Assertions.Expect(page.GetByTestId("anomaly-note")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("anomaly-note").Last).ToContainTextAsync("marked it a false alarm: A technician bumped the sensor.");
        await BrowserHost.ScreenshotAsync(page, "anomaly-review");

        var anomalyId = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?sensor_id={SensorId}"))[0].GetProperty("anomaly_id").GetString();
        var labels = await api.GetFromJsonAsync<JsonElement>("/api/v1/learning/labels");
        var label = Assert.Single(labels.EnumerateArray(), l => l.GetProperty("anomaly_id").GetString() == anomalyId);
        Assert.Equal("false_alarm", label.GetProperty("label").GetString());
        Assert.Equal("A technician bumped the sensor.", label.GetProperty("comment").GetString());

        // The list shows who acknowledged it.
        await BrowserHost.GoLiveAsync(page, "/anomalies");
        await Assertions.Expect(page.GetByTestId("anomaly-row").Filter(new() { HasText = SensorId })).ToContainTextAsync("Administrator");
    }
}
