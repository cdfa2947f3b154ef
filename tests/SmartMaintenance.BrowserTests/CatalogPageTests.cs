using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Playwright;

namespace SmartMaintenance.BrowserTests;

/// <summary>The catalog page: sites, assets and sensors created and changed in the UI, checked and audited like the API.</summary>
public sealed class CatalogPageTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task An_admin_builds_a_site_an_asset_and_a_sensor_in_the_ui_and_a_viewer_only_reads_them()
    {
        var admin = await host.SignedInAsync("admin", BrowserHost.AdminPassword);
        await BrowserHost.GoLiveAsync(admin, "/catalog");
        var form = admin.GetByTestId("catalog-form");

        // A site.
        await admin.GetByRole(AriaRole.Button, new() { Name = "New site" }).ClickAsync();
        await form.GetByLabel("Id (letters, digits, . _ : -)").FillAsync("braga");
        await form.GetByLabel("Name").FillAsync("Braga mill");
        await form.GetByLabel("Location").FillAsync("Braga, PT");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("Braga mill created.");
        await Assertions.Expect(admin.GetByTestId("catalog-site").Filter(new() { HasText = "Braga mill" })).ToHaveCountAsync(1);

        // An asset on it, high criticality.
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Assets" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "New asset" }).ClickAsync();
        await form.GetByLabel("Id (letters, digits, . _ : -)").FillAsync("braga-mill-1");
        await form.GetByLabel("Name").FillAsync("Roller mill M-1");
        await SelectAsync(admin, form, "Site", "Braga mill");
        await form.GetByLabel("Kind (pump, motor, compressor…)").FillAsync("mill");
        await SelectAsync(admin, form, "Criticality", "High");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("Roller mill M-1 created.");
        await Assertions.Expect(admin.GetByTestId("catalog-asset").Filter(new() { HasText = "Roller mill M-1" })).ToContainTextAsync("High");

        // A sensor on the asset: a range upside down is refused on its field, as the API refuses it; then put right.
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Sensors" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "New sensor" }).ClickAsync();
        await form.GetByLabel("Id (letters, digits, . _ : -)").FillAsync("braga-mill-1-vib");
        await SelectAsync(admin, form, "Asset", "Roller mill M-1");
        await form.GetByLabel("Type (temperature, vibration, pressure…)").FillAsync("vibration");
        await form.GetByLabel("Unit").FillAsync("mm/s");
        await form.GetByLabel("Expected minimum").FillAsync("20");
        await form.GetByLabel("Expected maximum").FillAsync("0");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-error")).ToHaveTextAsync("Some fields need another look.");
        await Assertions.Expect(form).ToContainTextAsync("expected_min must not be above expected_max.");
        await BrowserHost.ScreenshotAsync(admin, "catalog-invalid-sensor");
        await form.GetByLabel("Expected minimum").FillAsync("0");
        await form.GetByLabel("Expected maximum").FillAsync("20");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("braga-mill-1-vib created.");

        // The asset is renamed; the change is in the audit trail under the person's name, with the field that changed.
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Assets" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Edit Roller mill M-1" }).ClickAsync();
        await form.GetByLabel("Name").FillAsync("Roller mill M-1 (north)");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("Roller mill M-1 (north) saved.");
        await BrowserHost.ScreenshotAsync(admin, "catalog-assets");

        using var api = host.Api();
        var asset = await api.GetFromJsonAsync<JsonElement>("/api/v1/assets/braga-mill-1");
        Assert.Equal(("Roller mill M-1 (north)", "high", "braga"),
            (asset.GetProperty("name").GetString(), asset.GetProperty("criticality").GetString(), asset.GetProperty("site_id").GetString()));
        var sensor = await api.GetFromJsonAsync<JsonElement>("/api/v1/sensors/braga-mill-1-vib");
        Assert.Equal(("braga-mill-1", 20.0), (sensor.GetProperty("asset_id").GetString(), sensor.GetProperty("expected_max").GetDouble()));
        var changes = (await api.GetFromJsonAsync<JsonElement>("/api/v1/audit?correlation_id=catalog:asset:braga-mill-1")).GetProperty("entries")
            .EnumerateArray().ToList();
        Assert.Equal(["created", "updated"], changes.Select(e => e.GetProperty("payload").GetProperty("action").GetString()));
        Assert.All(changes, e => Assert.Equal("user:1:Administrator", e.GetProperty("actor").GetString()));
        Assert.Equal("name", changes[1].GetProperty("payload").GetProperty("changed")[0].GetString());

        // The new asset's name leads to its page, which lists the new sensor.
        await admin.GetByTestId("catalog-asset").Filter(new() { HasText = "Roller mill M-1 (north)" }).GetByTestId("asset-link").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("asset-name")).ToHaveTextAsync("Roller mill M-1 (north)");
        await Assertions.Expect(admin.GetByTestId("asset-sensor")).ToContainTextAsync("braga-mill-1-vib");

        // Retiring, not deleting: the sensor leaves service after a confirmation, shows as retired, and comes back.
        await BrowserHost.GoLiveAsync(admin, "/catalog");
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Sensors" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Retire braga-mill-1-vib" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-confirm")).ToContainTextAsync("It takes no more readings");
        await admin.GetByTestId("catalog-confirm-yes").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("braga-mill-1-vib retired.");
        var retiredRow = admin.GetByTestId("catalog-sensor").Filter(new() { HasText = "braga-mill-1-vib" });
        await Assertions.Expect(retiredRow.GetByTestId("retired-chip")).ToBeVisibleAsync();
        await Assertions.Expect(retiredRow.GetByRole(AriaRole.Button, new() { Name = "Edit braga-mill-1-vib" })).ToHaveCountAsync(0);
        Assert.NotEqual(JsonValueKind.Null, (await api.GetFromJsonAsync<JsonElement>("/api/v1/sensors/braga-mill-1-vib")).GetProperty("retired_at").ValueKind);
        await BrowserHost.ScreenshotAsync(admin, "catalog-retired-sensor");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reinstate braga-mill-1-vib" }).ClickAsync();
        await admin.GetByTestId("catalog-confirm-yes").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-saved")).ToHaveTextAsync("braga-mill-1-vib back in service.");
        await Assertions.Expect(retiredRow.GetByTestId("retired-chip")).ToHaveCountAsync(0);
        // A site whose assets are in service is not retired: the reason is shown.
        await admin.GetByRole(AriaRole.Tab, new() { Name = "Sites" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Retire Braga mill" }).ClickAsync();
        await admin.GetByTestId("catalog-confirm-yes").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("catalog-refused")).ToContainTextAsync("still has assets in service (braga-mill-1)");

        // A viewer reads the catalog but is offered no way to change it.
        await BrowserHost.CreateUserAsync(admin, "cat-viewer", "Catalog Viewer", "viewer-password-123");
        var viewer = await host.SignedInAsync("cat-viewer", "viewer-password-123");
        await BrowserHost.GoLiveAsync(viewer, "/catalog");
        await Assertions.Expect(viewer.GetByTestId("catalog-site").Filter(new() { HasText = "Braga mill" })).ToHaveCountAsync(1);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "New site" })).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Edit Braga mill" })).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Retire Braga mill" })).ToHaveCountAsync(0);
        await BrowserHost.ScreenshotAsync(viewer, "catalog-viewer");
    }

    // MudSelect opens a popover list of options outside the form; the choice reaches the circuit through the select's
    // own handler, so the next step waits until the select shows it.
    private static async Task SelectAsync(IPage page, ILocator form, string label, string option)
    {
        var select = form.GetByLabel(label, new() { Exact = true });
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Assertions.Expect(select).ToHaveTextAsync(option);
    }
}
