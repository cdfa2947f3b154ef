using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// The real host on a real SQLite file in a fresh folder, one per test — or, when <c>SMX_TEST_POSTGRES</c> names a
/// PostgreSQL server (an Npgsql connection string to its <c>postgres</c> database, as scripts/test.sh sets it for the
/// second run of the API tests), on a fresh database of that server, one per test. The demo fleet is off unless asked for,
/// so each test owns its data; its models (trained at first start, CPU work of a minute) only when asked for too.
/// </summary>
internal sealed class SmartMaintenanceApplication(
    bool demo = false, int rateLimit = 100_000, IReadOnlyDictionary<string, string>? settings = null, string? dataDir = null,
    bool demoModels = false)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The data folder: a fresh one deleted afterwards, or a given one (to restart on the same data) kept.</summary>
    public string DataDir { get; } = dataDir ?? Directory.CreateTempSubdirectory("smx-it-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DATA_DIR", DataDir);
        if (PostgresServer is { Length: > 0 } server)
        {
            builder.UseSetting("POSTGRES", PostgresDatabaseOf(server, DataDir));
        }

        builder.UseSetting("DEMO", demo ? "true" : "false");
        builder.UseSetting("DEMO_MODELS", demoModels ? "true" : "false");
        // The demo's models on fewer simulated histories than a user's (150): the tests check they are trained, not how well.
        builder.UseSetting("DEMO_MODEL_HISTORIES", "40");
        builder.UseSetting("ADMIN_API_KEY", AdminKey);
        builder.UseSetting("RATE_LIMIT", rateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Each application runs its own agents' silo; tests run in parallel, so each takes free ports.
        builder.UseSetting("SILO_PORT", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("GATEWAY_PORT", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The PostgreSQL server the API tests run against in their second run; null in the first (SQLite).</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("SMX_TEST_POSTGRES");

    /// <summary>The PostgreSQL connection string of a data folder's database in the PostgreSQL run; null in the SQLite run.</summary>
    public static string? PostgresOf(string dataDir) => PostgresServer is { Length: > 0 } server ? PostgresDatabaseOf(server, dataDir) : null;

    /// <summary>
    /// The database of a data folder on the server, created empty the first time: a host restarted on the same folder
    /// finds the same database, as it finds the same SQLite file.
    /// </summary>
    private static string PostgresDatabaseOf(string server, string dataDir)
    {
        var name = "smx_it_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dataDir)))[..20];
        using (var connection = new Npgsql.NpgsqlConnection(server))
        {
            connection.Open();
            using var exists = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname = '{name}'", connection);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
                create.ExecuteNonQuery();
            }
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Runs SQL on the store of a data folder, whichever it is (SQLite file or PostgreSQL database), as someone with
    /// access to the database would; parameters are <c>$1</c>, <c>$2</c>… Returns the first column of the first row
    /// (null when there is none) for a query, the number of rows changed otherwise.
    /// </summary>
    public static async Task<object?> SqlAsync(string dataDir, string sql, params object[] parameters)
    {
        System.Data.Common.DbConnection connection = PostgresServer is { Length: > 0 } server
            ? new Npgsql.NpgsqlConnection(PostgresDatabaseOf(server, dataDir))
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "smartmaintenance.db")};Pooling=False");
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = connection is Npgsql.NpgsqlConnection ? "" : $"${i + 1}";
                parameter.Value = parameters[i];
                command.Parameters.Add(parameter);
            }

            return sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
                ? await command.ExecuteScalarAsync()
                : await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public HttpClient CreateClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        return client;
    }

    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    /// <summary>Creates a key through the API, as an admin would, and returns a client that sends it.</summary>
    public async Task<HttpClient> CreateClientWithKeyAsync(string role, long? tenantId = null, bool autoRegister = false, int? rateLimit = null)
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys",
            new { name = $"{role} key", role, tenant_id = tenantId, auto_register_sensors = autoRegister, rate_limit_per_second = rateLimit });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return CreateClient(created.GetProperty("secret").GetString()!);
    }

    /// <summary>A site, an asset and a temperature sensor (0–100 °C expected) in the admin's tenant.</summary>
    public async Task SeedSensorAsync(string sensorId = "pump-1-temp", HttpClient? client = null)
    {
        var admin = client ?? CreateAdminClient();
        await SeedSensorAsync(admin, sensorId);
        if (client is null)
        {
            admin.Dispose();
        }
    }

    /// <summary>The same through any client of any host (a server process, say).</summary>
    public static async Task SeedSensorAsync(HttpClient admin, string sensorId)
    {
        (await admin.PutAsJsonAsync("/api/v1/sites/plant", new { name = "Plant" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/v1/assets/pump-1", new { site_id = "plant", name = "Pump", kind = "pump" })).EnsureSuccessStatusCode();
        await PutPumpSensorAsync(admin, sensorId);
    }

    /// <summary>Another temperature sensor of the seeded pump-1 (0–100 °C, a reading a second).</summary>
    public static async Task PutPumpSensorAsync(HttpClient admin, string sensorId) =>
        (await admin.PutAsJsonAsync($"/api/v1/sensors/{sensorId}", new
        {
            asset_id = "pump-1",
            type = "temperature",
            unit = "°C",
            expected_min = 0,
            expected_max = 100,
            sample_interval_seconds = 1,
        })).EnsureSuccessStatusCode();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (dataDir is not null)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing background write; the OS temp cleaner takes it.
        }
    }
}

internal static class HttpAssertions
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }
}

/// <summary>CSV ingest bodies for the tests that drive a server process hard.</summary>
internal static class CsvReadings
{
    /// <summary>Readings <paramref name="first"/>… of a run for one sensor, one millisecond apart after <paramref name="epoch"/>.</summary>
    public static StringContent Batch(string sensorId, DateTimeOffset epoch, long first, int size)
    {
        var csv = new System.Text.StringBuilder("sensor_id,timestamp,value\n");
        for (var i = first; i < first + size; i++)
        {
            csv.Append(sensorId).Append(',').Append(epoch.AddMilliseconds(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture))
                .Append(',').Append(20 + (i % 7)).Append('\n');
        }

        return new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv");
    }
}
