using System.Net;
using System.Net.Http.Json;
using System.Text;

using SmartMaintenance.Security;

namespace SmartMaintenance.IntegrationTests.Fuzz;

/// <summary>
/// Role and tenant checks over every operation of the host, read from its endpoint list: a new endpoint joins both
/// matrices by itself.
/// </summary>
public sealed class EndpointMatrixTests
{
    private const string Secret = "tenant-a-secret";

    [Fact]
    public async Task Every_documented_operation_has_a_name_and_a_summary()
    {
        await using var app = new SmartMaintenanceApplication();
        var surface = await ApiSurface.ReadAsync(app);

        var unnamed = surface.Document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Where: $"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)))
            .Where(o => !o.Value.TryGetProperty("operationId", out _) || !o.Value.TryGetProperty("summary", out _))
            .Select(o => o.Where)
            .ToList();

        Assert.True(unnamed.Count == 0, "without a name or summary:\n" + string.Join('\n', unnamed));
    }

    [Fact]
    public async Task Every_operation_answers_403_exactly_to_the_roles_without_its_scopes()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        var surface = await ApiSurface.ReadAsync(app);
        var known = await KnownValuesAsync(app);
        var clients = new Dictionary<Role, HttpClient>();
        foreach (var role in Enum.GetValues<Role>())
        {
            clients[role] = await app.CreateClientWithKeyAsync(role.ToString().ToLowerInvariant());
        }

        var wrong = new List<string>();
        var checkedOperations = 0;
        foreach (var operation in surface.Operations.Where(o => o.Template.StartsWith("/api/", StringComparison.Ordinal)))
        {
            checkedOperations++;
            // The matrix below checks that scopes are enforced as declared; these check that they are declared at all.
            if (operation.Policies.Count == 0)
            {
                wrong.Add($"{operation} requires no scope");
            }
            else if (operation.Method != "GET" && operation.Policies.All(p => p == Scopes.DataRead))
            {
                wrong.Add($"{operation} changes data with the read scope only");
            }

            foreach (var (role, client) in clients.OrderBy(c => c.Key == Role.Admin))
            {
                var allowed = operation.Policies.All(scope => Scopes.Allows(role, scope));
                using var response = await client.SendAsync(Request(operation, known));
                var forbidden = response.StatusCode == HttpStatusCode.Forbidden;
                if (forbidden == allowed || response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"{operation} as {role} (scopes {string.Join('+', operation.Policies)}): {(int)response.StatusCode}");
                }
            }

            if (operation.Method == "DELETE")
            {
                await app.SeedSensorAsync();
            }
        }

        Assert.True(checkedOperations >= 60, $"only {checkedOperations} API operations found");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task No_operation_shows_or_changes_another_tenants_data()
    {
        await using var app = new SmartMaintenanceApplication();
        using var tenantA = app.CreateAdminClient();
        (await tenantA.PutAsJsonAsync("/api/v1/sites/plant", new { name = $"{Secret} plant", location = Secret })).EnsureSuccessStatusCode();
        (await tenantA.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = $"{Secret} pump", kind = "pump" })).EnsureSuccessStatusCode();
        (await tenantA.PutAsJsonAsync("/api/v1/sensors/pump-1-temp", new { asset_id = "pump-1", type = "temperature", unit = "°C", sample_interval_seconds = 1 }))
            .EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        (await tenantA.PostAsJsonAsync("/api/v1/readings", Enumerable.Range(1, 20).Select(i => new { sensor_id = "pump-1-temp", timestamp = now.AddSeconds(-i), value = 4242.4242 })))
            .EnsureSuccessStatusCode();
        (await tenantA.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://93.184.216.34/" + Secret })).EnsureSuccessStatusCode();
        var known = await KnownValuesAsync(app);
        var before = await SnapshotAsync(tenantA);

        var tenant = await (await tenantA.PostAsJsonAsync("/api/v1/tenants", new { slug = "tenant-b", name = "B" })).ReadJsonAsync();
        using var tenantB = await app.CreateClientWithKeyAsync("admin", tenant.GetProperty("id").GetInt64());
        var surface = await ApiSurface.ReadAsync(app);
        var leaks = new List<string>();
        foreach (var operation in surface.Operations.Where(o => o.Template.StartsWith("/api/", StringComparison.Ordinal)))
        {
            using var response = await tenantB.SendAsync(Request(operation, known));
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains(Secret, StringComparison.Ordinal) || body.Contains("4242.4242", StringComparison.Ordinal))
            {
                leaks.Add($"{operation}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            }
        }

        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
        Assert.Equal(before, await SnapshotAsync(tenantA));
    }

    /// <summary>
    /// A request with the tenant's real ids in its route and query. Bodies are left unreadable on purpose: the scope
    /// and tenant checks come before the body is read, and nothing heavy (a training, a demo run) is started.
    /// </summary>
    private static HttpRequestMessage Request(ApiOperation operation, Dictionary<string, string> known)
    {
        var url = operation.Path(name => Uri.EscapeDataString(known.GetValueOrDefault(name, Guid.NewGuid().ToString())));

        var query = operation.QueryParameters.Where(known.ContainsKey).Select(p => $"{p}={Uri.EscapeDataString(known[p])}");
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Any() ? $"{url}?{string.Join('&', query)}" : url);
        if (operation.Bodies.Count > 0)
        {
            request.Content = new StringContent("{", Encoding.UTF8, operation.Bodies[0].ContentType);
        }

        return request;
    }

    private static async Task<Dictionary<string, string>> KnownValuesAsync(SmartMaintenanceApplication app)
    {
        using var admin = app.CreateAdminClient();
        var victim = await (await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "victim", role = "viewer" })).ReadJsonAsync();
        var known = ApiSurface.KnownValues(victim.GetProperty("key").GetProperty("id").GetInt64());
        known["id"] = "1";
        return known;
    }

    /// <summary>What tenant A sees of its own data.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client)
    {
        var parts = new List<string>();
        foreach (var url in new[] { "/api/v1/sites", "/api/v1/assets", "/api/v1/sensors", "/api/v1/webhooks", "/api/v1/api-keys", "/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=1000" })
        {
            parts.Add(await client.GetStringAsync(url));
        }

        return string.Join('\n', parts);
    }
}
