using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>
/// The golden-path demo in the browser on a fleet that has its trained models, as a user's has after first start:
/// every step lights up, and the case shows the registered model's prediction with its SHAP chart.
/// </summary>
public sealed class GoldenPathPageTests(ModelledBrowserHost host) : IClassFixture<ModelledBrowserHost>
{
    private static readonly LocatorAssertionsToHaveCountOptions Patiently = new() { Timeout = 90_000 };

    /// <summary>Waits until the demo's pump model serves in production (trained in the background at first start).</summary>
    private async Task<JsonElement> PumpModelAsync()
    {
        using var api = host.Api();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var versions = await api.GetAsync("/api/v1/ml/models/asset-pump/versions/production");
            if (versions.IsSuccessStatusCode)
            {
                return await versions.Content.ReadFromJsonAsync<JsonElement>();
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The demo's asset-pump model was not in production within 3 minutes.");
    }

    [Fact]
    public async Task The_golden_path_demo_lights_every_step_up_and_its_case_explains_the_models_prediction()
    {
        var model = await PumpModelAsync();
        var page = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(page, "/demo");
        var toggle = page.GetByLabel("Play the operator and the technician");
        if (!await toggle.IsCheckedAsync())
        {
            await toggle.ClickAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Run the golden path" }).ClickAsync();
        var steps = page.GetByTestId("golden-path-step");
        await Assertions.Expect(steps).Not.ToHaveCountAsync(0);
        var total = await steps.CountAsync();
        await Assertions.Expect(page.Locator("[data-testid=golden-path-step][data-status=done]")).ToHaveCountAsync(total, Patiently);
        await Assertions.Expect(page.GetByTestId("golden-path-status")).ToContainTextAsync("completed");
        await BrowserHost.ScreenshotAsync(page, "golden-path-completed");
        // The run is in the page's address: a reload shows it again.
        Assert.Matches("demo\\?run=[0-9a-f]{32}$", page.Url);
        await page.ReloadAsync();
        await BrowserHost.LiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=golden-path-step][data-status=done]")).ToHaveCountAsync(total);
        // The page lists its runs (from the audit trail): this one, completed, decided by the demo's operator.
        var run = page.GetByTestId("golden-path-run").First;
        await Assertions.Expect(run).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(run).ToContainTextAsync("the demo's operator");
        await Assertions.Expect(steps.Filter(new() { HasText = "demo:golden-path" })).ToHaveCountAsync(0);
        // The asset a step names is named as people know it, and leads to its page.
        var assetLink = steps.GetByTestId("asset-link").First;
        var assetName = await assetLink.InnerTextAsync();
        Assert.Contains(Simulation.DemoFleet.Assets, a => a.Name == assetName);

        await page.GetByRole(AriaRole.Link, new() { NameRegex = new("^case ") }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-state")).ToHaveTextAsync("Closed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=story-entry][data-type=CaseClosed]")).ToHaveCountAsync(1);
        // The story is told in sentences that name the asset, not in raw fields and ids.
        await Assertions.Expect(page.Locator("[data-testid=story-entry][data-type=CaseOpened]")).ToContainTextAsync("Case opened for ");
        await Assertions.Expect(page.GetByTestId("story-entry").Filter(new() { HasText = "anomaly id" })).ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(page, "golden-path-case-story");

        // The prediction is the registered model's, named with its version, not the fallback's; its chart shows the
        // eight largest SHAP values, and the bars with the rest add up with the base to the score the page states.
        var version = model.GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("case-prediction")).ToContainTextAsync($"(asset-pump v{version})");
        await Assertions.Expect(page.GetByTestId("case-prediction")).Not.ToContainTextAsync("statistical fallback");
        var chart = page.GetByTestId("explanation-chart");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        await Assertions.Expect(chart.GetByTestId("explanation-bar")).ToHaveCountAsync(8);
        var features = model.GetProperty("features").EnumerateArray().Select(f => f.GetString()).ToHashSet();
        foreach (var bar in await chart.GetByTestId("explanation-bar").AllAsync())
        {
            Assert.Contains(await bar.GetAttributeAsync("data-feature"), features);
        }

        Assert.Equal(features.Count - 8, int.Parse(
            (await chart.GetByTestId("explanation-rest").TextContentAsync())!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture));
        Assert.NotNull(await chart.GetAttributeAsync("data-base"));
        await BrowserHost.ScreenshotAsync(page, "case-closed-with-explanation");

        // Between anomalies the model assesses every asset: the fleet page shows each pump's RUL and its trend.
        await BrowserHost.GoLiveAsync(page, "/");
        var pump = page.GetByTestId("asset-row").Filter(new() { HasText = "Feed pump P-101" });
        await Assertions.Expect(pump.GetByTestId("rul-trend")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        Assert.True(int.Parse((await pump.GetByTestId("rul-trend").GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture) >= 2);
        await Assertions.Expect(pump.GetByTestId("asset-rul")).Not.ToHaveTextAsync("—");
        await BrowserHost.ScreenshotAsync(page, "fleet-with-rul-trend");

        // The models page: the demo's models with their validation figures, and a drift check of the pump model on demand.
        await BrowserHost.GoLiveAsync(page, "/models");
        var pumpModel = page.GetByTestId("model").Filter(new() { HasText = "asset-pump" });
        await Assertions.Expect(pumpModel).ToContainTextAsync("fleet risk and remaining life · pump");
        await Assertions.Expect(pumpModel).ToContainTextAsync("F1 (cross-validated)");
        await Assertions.Expect(pumpModel.GetByTestId("model-metric").Filter(new() { HasText = "F1 (cross-validated)" }).First).ToHaveAttributeAsync("title", "cv_f1");
        await pumpModel.GetByTestId("drift-check").ClickAsync();
        await Assertions.Expect(pumpModel.GetByTestId("drift-latest")).ToContainTextAsync($"v{version},");
        await Assertions.Expect(pumpModel.GetByTestId("drift-bar")).ToHaveCountAsync(8);
        await BrowserHost.ScreenshotAsync(page, "models-with-drift");
    }
}
