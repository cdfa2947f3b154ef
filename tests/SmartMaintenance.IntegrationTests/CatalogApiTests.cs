using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using SmartMaintenance.Server.Api;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.IntegrationTests;

/// <summary>Sites, assets and sensors through the API, checked and audited by the same editor the catalog page uses.</summary>
public sealed class CatalogApiTests
{
    [Fact]
    public async Task Every_catalog_change_is_audited_with_who_and_which_fields_and_an_unchanged_put_is_not()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        // The seed created a site, an asset and a sensor; the asset is renamed, then sent again unchanged.
        (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Feed pump P-1", kind = "pump" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Feed pump P-1", kind = "pump" })).EnsureSuccessStatusCode();

        var entries = (await client.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=100")).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "CatalogChanged").ToList();
        Assert.Equal(["catalog:site:plant", "catalog:asset:pump-1", "catalog:sensor:pump-1-temp", "catalog:asset:pump-1"],
            entries.Select(e => e.GetProperty("correlation_id").GetString()));
        Assert.All(entries, e => Assert.StartsWith("key:", e.GetProperty("actor").GetString(), StringComparison.Ordinal));
        var rename = entries[^1].GetProperty("payload");
        Assert.Equal("updated", rename.GetProperty("action").GetString());
        Assert.Equal(["name"], rename.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("pump-1", rename.GetProperty("asset_id").GetString());
    }

    [Fact]
    public async Task An_asset_is_medium_critical_unless_told_keeps_its_criticality_when_a_put_omits_it_and_refuses_to_be_its_own_ancestor()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();

        Assert.Equal("medium", (await client.GetFromJsonAsync<JsonElement>("/api/v1/assets/pump-1")).GetProperty("criticality").GetString());
        (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump", criticality = "critical" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump" })).EnsureSuccessStatusCode();
        Assert.Equal("critical", (await client.GetFromJsonAsync<JsonElement>("/api/v1/assets/pump-1")).GetProperty("criticality").GetString());
        await (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump", criticality = "severe" }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // motor → pump → motor would be a loop; so would a parent naming the asset itself.
        var motor = await client.PostAsJsonAsync("/api/v1/assets", new { asset_id = "motor-1", site_id = "plant", name = "Motor", kind = "motor", parent_asset_id = "pump-1" });
        Assert.Equal(HttpStatusCode.Created, motor.StatusCode);
        Assert.Equal("/api/v1/assets/motor-1", motor.Headers.Location?.ToString());
        var loop = await (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump", parent_asset_id = "motor-1" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("own ancestor", loop.GetProperty("errors").GetProperty("parent_asset_id")[0].GetString(), StringComparison.Ordinal);
        await (await client.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump", parent_asset_id = "pump-1" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/api/v1/assets/pump-1")).GetProperty("parent_asset_id").ValueKind);

        // Creating what exists, or referring to what does not, is a 409 as before.
        await (await client.PostAsJsonAsync("/api/v1/assets", new { asset_id = "motor-1", site_id = "plant", name = "Motor", kind = "motor" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await client.PutAsJsonAsync("/api/v1/assets/fan-1", new { site_id = "nowhere", name = "Fan", kind = "fan" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_editor_writes_into_the_tenant_the_page_shows_and_audits_it_there()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var other = (await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "other", name = "Other" })).ReadJsonAsync()).GetProperty("id").GetInt64();

        // A platform admin (tenant 1) looking at another tenant's catalog page creates a site there, not in their own.
        var person = new ClaimsPrincipal(new ClaimsIdentity(
            [new(SmxClaims.TenantId, "1"), new(ClaimTypes.NameIdentifier, "1"), new(ClaimTypes.Name, "Administrator")], "Cookies"));
        var change = await app.Services.GetRequiredService<CatalogEditor>().SaveSiteAsync(
            person, other, "north", new SiteRequest("north", "North plant", null), createOnly: true, default);

        Assert.Equal(CatalogOutcome.Created, change.Outcome);
        var catalog = app.Services.GetRequiredService<ICatalogStore>();
        Assert.NotNull(await catalog.FindSiteAsync(other, "north", default));
        Assert.Null(await catalog.FindSiteAsync(1, "north", default));
        var audit = await app.Services.GetRequiredService<IEventLog>().ListAsync(other, "catalog:site:north", 0, 10, default);
        Assert.Equal("user:1:Administrator", Assert.Single(audit).Actor);
    }
}
