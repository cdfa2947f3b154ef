using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

public sealed class SimulationConsoleTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task A_spike_injected_from_the_console_becomes_an_anomaly_and_pausing_stops_the_fleet()
    {
        var page = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(page, "/simulation");

        await page.GetByLabel("Asset").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Feed pump P-101" }).ClickAsync();
        await page.GetByLabel("Kind").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Spike: one reading far off" }).ClickAsync();
        var injectedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Inject" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("simulation-message")).ToContainTextAsync("Spike injected on porto-pump-1");
        await Assertions.Expect(page.GetByTestId("active-fault")).ToContainTextAsync("Spike");
        await BrowserHost.ScreenshotAsync(page, "simulation");

        using var api = host.Api();
        // The agents judge readings after they are stored; on a loaded machine that can take a while.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var found = false;
        while (!found && DateTime.UtcNow < deadline)
        {
            var anomalies = await api.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?asset_id=porto-pump-1");
            found = anomalies.EnumerateArray().Any(a => a.GetProperty("at").GetDateTimeOffset() >= injectedAt);
            await Task.Delay(250);
        }

        Assert.True(found, "no anomaly on porto-pump-1 within 60 s of the injected spike");

        // Paused, the pump's sensors send nothing: its newest stored reading stays the same; resumed, newer ones come.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause the fleet" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fleet-state")).ToContainTextAsync("Paused");
        await Task.Delay(2_000);
        var paused = await NewestReadingAsync(api);
        await Task.Delay(7_000); // longer than the sensor's 5-second sampling interval
        Assert.Equal(paused, await NewestReadingAsync(api));

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume the fleet" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("fleet-state")).ToContainTextAsync("Streaming");
        var resumed = DateTime.UtcNow.AddSeconds(20);
        while (await NewestReadingAsync(api) <= paused && DateTime.UtcNow < resumed)
        {
            await Task.Delay(250);
        }

        Assert.True(await NewestReadingAsync(api) > paused, "no new reading within 20 s of resuming");
    }

    private static async Task<DateTimeOffset> NewestReadingAsync(HttpClient api)
    {
        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=porto-pump-1-temp&limit=1");
        return page.GetProperty("readings")[0].GetProperty("timestamp").GetDateTimeOffset();
    }
}
