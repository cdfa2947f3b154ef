using System.Net;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// The Data Protection key ring lives in the database, so what one node protects (the sign-in cookie, antiforgery
/// tokens) another node on the same database unprotects — not in a per-user folder on one machine.
/// </summary>
public sealed class SharedKeyRingTests
{
    private const string Password = "shared-ring-admin-password";

    [Fact]
    public void What_one_node_protects_another_on_the_same_database_unprotects()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-ring-").FullName;
        try
        {
            var payload = Protector(dataDir).Protect("signed in as admin");

            Assert.Equal("signed in as admin", Protector(dataDir).Unprotect(payload));
            Assert.Single(new SqliteKeyRingStore(Database(dataDir)).List());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_session_and_a_form_token_issued_by_one_node_are_accepted_by_another()
    {
        var dataDir = Directory.CreateTempSubdirectory("smx-ring-").FullName;
        var first = await StartNodeAsync(dataDir, "first");
        try
        {
            // A person signs in on the first node; a visitor opens the sign-in form there and sends it later.
            using var person = Browser();
            var token = SignInTests.AntiforgeryField().Match(await person.GetStringAsync($"{first.Url}/signin")).Groups[1].Value;
            Assert.Equal("/", (await person.PostAsync($"{first.Url}/account/signin", SignInTests.Form(token, Password, "/"))).Headers.Location?.ToString());
            using var visitor = Browser();
            var visitorToken = SignInTests.AntiforgeryField().Match(await visitor.GetStringAsync($"{first.Url}/signin")).Groups[1].Value;

            using var second = await StartNodeAsync(dataDir, "second");
            var home = await person.GetAsync($"{second.Url}/");
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("Fleet overview", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var signIn = await visitor.PostAsync($"{second.Url}/account/signin", SignInTests.Form(visitorToken, Password, "/"));
            Assert.Equal("/", signIn.Headers.Location?.ToString());
            Assert.Equal(1L, Convert.ToInt64(await SmartMaintenanceApplication.SqlAsync(dataDir, "SELECT count(*) FROM data_protection_keys"),
                System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            first.Dispose();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// A server process with a home folder of its own: Data Protection's default ring lives there, so a ring that is not
    /// in the database differs from node to node, as it does between machines.
    /// </summary>
    private static Task<ServerProcess> StartNodeAsync(string dataDir, string name)
    {
        var home = Directory.CreateDirectory(Path.Combine(dataDir, "home-" + name)).FullName;
        var settings = new Dictionary<string, string> { ["HOME"] = home, ["SMX_ADMIN_PASSWORD"] = Password };
        if (SmartMaintenanceApplication.PostgresOf(dataDir) is { } postgres)
        {
            settings["SMX_POSTGRES"] = postgres;
        }

        return ServerProcess.StartAsync(dataDir, settings);
    }

    /// <summary>A client that keeps cookies per host (not per port, as browsers do), and shows redirects instead of following them.</summary>
    private static HttpClient Browser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static SqliteDatabase Database(string dataDir)
    {
        var database = new SqliteDatabase(dataDir, NullLogger<SqliteDatabase>.Instance);
        database.Migrate();
        return database;
    }

    /// <summary>Data Protection as a node sets it up, in a service provider of its own over the data folder's database.</summary>
    private static IDataProtector Protector(string dataDir)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IKeyRingStore>(new SqliteKeyRingStore(Database(dataDir)));
        services.AddSharedKeyRing();
        return services.BuildServiceProvider().GetDataProtector("SmartMaintenance.Tests");
    }
}
