using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>The quality bar's last lines: phone width, the keyboard alone, and a name for every control.</summary>
public sealed class AccessibilityTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly string[] Pages =
        ["/", "/assets/porto-pump-1", "/sensors/porto-pump-1-temp", "/anomalies", "/cases", "/catalog", "/alarms", "/simulation", "/models", "/demo", "/system", "/admin/users"];

    // Controls a person reaches and a screen reader names: text, aria-label, aria-labelledby, title or an associated
    // <label>. Hidden controls (display: none, or MudBlazor's hidden native inputs) are left out.
    private const string UnnamedControls = """
        () => [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=switch], [role=combobox]')]
            .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && e.tabIndex >= 0)
            .filter(e => !((e.textContent || '').trim() || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
                || e.getAttribute('title') || (e.labels && e.labels.length > 0) || e.closest('label')))
            .map(e => e.outerHTML.slice(0, 160))
        """;

    [Fact]
    public async Task Every_page_fits_a_phone_screen_without_sideways_scrolling()
    {
        var page = await host.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserHost.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet overview" })).ToBeVisibleAsync();

        foreach (var path in Pages)
        {
            await BrowserHost.GoLiveAsync(page, path);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow} px wider than a 390 px screen");
        }

        // Wide tables become cards: no header row, each cell led by its column's name, every card within the screen.
        await BrowserHost.GoLiveAsync(page, "/");
        var row = page.GetByTestId("asset-row").First;
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".cards thead").First).ToBeHiddenAsync();
        var labels = await row.Locator("td").EvaluateAllAsync<string[]>("cells => cells.map(c => getComputedStyle(c, '::before').content)");
        Assert.Contains("\"Failure risk\"", labels);
        Assert.True((await row.BoundingBoxAsync())!.Width <= 390, "an asset's card is wider than the screen");
        await BrowserHost.ScreenshotAsync(page, "fleet-phone", fullPage: false);
        await BrowserHost.GoLiveAsync(page, "/catalog");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Sensors" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("catalog-sensor").First).ToBeVisibleAsync();
        var sensorLabels = await page.GetByTestId("catalog-sensor").First.Locator("td")
            .EvaluateAllAsync<string[]>("cells => cells.map(c => getComputedStyle(c, '::before').content)");
        Assert.Contains("\"Expected range\"", sensorLabels);
        await BrowserHost.ScreenshotAsync(page, "catalog-phone", fullPage: false);

        // The navigation folds away at this width and opens from the menu button.
        await BrowserHost.GoLiveAsync(page, "/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sensor explorer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sensor explorer" })).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(page, "explorer-phone");
    }

    [Fact]
    public async Task A_person_signs_in_and_moves_around_with_the_keyboard_alone_and_every_control_has_a_name()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync("/signin");
        Assert.Empty(await page.EvaluateAsync<string[]>(UnnamedControls));

        // The username field has the focus on arrival; Tab, typing and Enter are enough.
        await page.Keyboard.TypeAsync("admin");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(BrowserHost.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet overview" })).ToBeVisibleAsync();
        await BrowserHost.LiveAsync(page);

        // Tab along (through the page, then the app bar and the drawer) until the "Cases" link has the focus; Enter follows it.
        var reached = false;
        var visited = new List<string>();
        for (var i = 0; i < 100 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            visited.Add(await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 80) ?? ''"));
            reached = await page.EvaluateAsync<bool>("() => document.activeElement?.textContent?.trim() === 'Cases'");
        }

        Assert.True(reached, "the Cases link was not reached with Tab: " + string.Join("\n", visited));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Maintenance cases" })).ToBeVisibleAsync();

        foreach (var path in Pages)
        {
            await BrowserHost.GoLiveAsync(page, path);
            var unnamed = await page.EvaluateAsync<string[]>(UnnamedControls);
            Assert.True(unnamed.Length == 0, $"{path} has controls without a name: {string.Join(" | ", unnamed)}");
        }

        // The check itself sees an unnamed control when there is one.
        await page.EvaluateAsync("() => document.querySelector('main, .mud-main-content').append(document.createElement('button'))");
        Assert.Single(await page.EvaluateAsync<string[]>(UnnamedControls));
    }
}
