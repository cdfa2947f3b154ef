using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public class SecurityTests
{
    [Fact]
    public async Task Data_endpoints_without_a_valid_key_answer_401_problem()
    {
        await using var app = new SmartMaintenanceApplication();
        using var anonymous = app.CreateClient();
        using var wrong = app.CreateClient("smx_not-a-real-key");

        foreach (var client in new[] { anonymous, wrong })
        {
            await (await client.GetAsync("/api/v1/sensors")).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.GetAsync("/api/v1/sensors/readings?sensor_id=pump-1-temp")).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.PostAsync("/api/v1/readings", new StringContent("[]", Encoding.UTF8, "application/json")))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_key_of_another_tenant_never_sees_or_writes_this_tenants_data()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();
        await admin.PostAsync("/api/v1/readings", new StringContent(
            """[{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1}]""", Encoding.UTF8, "application/json"));
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "ACME" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("operator", tenant.GetProperty("id").GetInt64());

        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/sensors")).GetArrayLength());
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/api/v1/assets")).GetArrayLength());
        await (await other.GetAsync("/api/v1/sensors/readings?sensor_id=pump-1-temp")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync("/api/v1/sensors/pump-1-temp/series")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync("/api/v1/assets/pump-1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync("/api/v1/readings", new StringContent(
            """[{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T11:00:00Z","value":99}]""", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp");
        Assert.Equal(1, page.GetProperty("readings").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/api/v1/api-keys?tenant_id=1")]
    [InlineData("DELETE", "/api/v1/api-keys/1?tenant_id=1")]
    [InlineData("GET", "/api/v1/sensors/pump-1-temp/readings/export?tenant_id=1")]
    public async Task Naming_another_tenant_is_refused_alike_everywhere_unless_the_caller_administers_the_platform(string method, string url)
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "ACME" })).ReadJsonAsync();
        using var otherAdmin = await app.CreateClientWithKeyAsync("admin", tenant.GetProperty("id").GetInt64());

        var problem = await (await otherAdmin.SendAsync(new HttpRequestMessage(new HttpMethod(method), url))).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("other tenants", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/api-keys?tenant_id=" + tenant.GetProperty("id").GetInt64())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Roles_limit_what_a_key_may_do()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/sensors")).StatusCode);
        await (await viewer.PostAsync("/api/v1/readings", new StringContent("[]", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await operatorClient.PutAsJsonAsync("/api/v1/sites/x", new { name = "X" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await operatorClient.PostAsJsonAsync("/api/v1/api-keys", new { name = "mine", role = "admin" })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task New_key_secret_is_shown_once_and_a_revoked_key_stops_working()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var created = await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "gateway", role = "operator" })).ReadJsonAsync();
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("key").GetProperty("id").GetInt64();
        using var gateway = app.CreateClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/v1/sensors")).StatusCode);

        var listed = await admin.GetStringAsync("/api/v1/api-keys");
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);
        await (await gateway.GetAsync("/api/v1/sensors")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Scopes_beyond_the_role_and_unknown_scopes_are_refused()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();

        await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "v", role = "viewer", scopes = new[] { "data:ingest" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "v", role = "viewer", scopes = new[] { "root" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "", role = "viewer" })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after()
    {
        await using var app = new SmartMaintenanceApplication();
        using var limited = await app.CreateClientWithKeyAsync("viewer", rateLimit: 3);

        // Thirty at once against three per second: however slow the machine, most must be refused.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => limited.GetAsync("/api/v1/sensors")));

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var rejected = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await rejected.ProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_live_connection_opened_with_one_key_cannot_be_polled_sent_on_or_closed_with_another_tenants_key()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "ACME" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("operator", tenant.GetProperty("id").GetInt64());
        var negotiated = await (await admin.PostAsync("/hubs/events/negotiate?negotiateVersion=1", null)).ReadJsonAsync();
        var token = Uri.EscapeDataString(negotiated.GetProperty("connectionToken").GetString()!);

        await (await other.GetAsync($"/hubs/events?id={token}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/hubs/events?id={token}", new StringContent("{\"protocol\":\"json\",\"version\":1}\u001e"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/hubs/events?id={token}")).ProblemAsync(HttpStatusCode.NotFound);

        // The key that opened it still polls it: the first poll answers at once.
        using var poll = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/hubs/events?id={token}", poll.Token)).StatusCode);
    }

    [Fact]
    public async Task A_tenants_audit_check_counts_its_own_entries_not_the_platforms()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var admin = app.CreateAdminClient();
        var tenant = await (await admin.PostAsJsonAsync("/api/v1/tenants", new { slug = "acme", name = "ACME" })).ReadJsonAsync();
        using var other = await app.CreateClientWithKeyAsync("operator", tenant.GetProperty("id").GetInt64());
        // An audited change in the default tenant only.
        (await admin.PutAsJsonAsync("/api/v1/detection/settings/temperature", new { sensitivity = 0.7 })).EnsureSuccessStatusCode();

        var platform = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        var own = await other.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

        Assert.True(platform.GetProperty("valid").GetBoolean() && own.GetProperty("valid").GetBoolean(), $"{platform} {own}");
        var acmeEntries = (await other.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=1000")).GetProperty("entries").GetArrayLength();
        Assert.Equal(acmeEntries, own.GetProperty("checked").GetInt64());
        Assert.True(platform.GetProperty("checked").GetInt64() > acmeEntries, $"{platform} {own}");
    }
}
