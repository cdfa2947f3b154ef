using Microsoft.Extensions.Options;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Seeds the admin key at start: the one named by <c>SMX_ADMIN_API_KEY</c>, or on a first start without it a random
/// one written to <c>admin-api-key</c> in the data folder (readable by the owner only), so a fresh install is usable;
/// and the web UI's <c>admin</c> user the same way (<c>SMX_ADMIN_PASSWORD</c> or <c>admin-password</c>).
/// </summary>
internal sealed class DatabaseInitializer(
    StoreDescription store, IApiKeyStore keys, IUserStore users, Auth.UserSignIn signIn, IOptions<SmartMaintenanceOptions> options,
    TimeProvider time, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("{Store} store ready at {Location}", store.Name, store.Location);
        await SeedAdminKeyAsync(cancellationToken);
        await SeedAdminUserAsync(cancellationToken);
    }

    /// <summary>The web UI's first admin, <c>admin</c>, when nobody can sign in yet.</summary>
    private async Task SeedAdminUserAsync(CancellationToken cancellationToken)
    {
        if (await users.CountAsync(cancellationToken) > 0)
        {
            return;
        }

        var password = options.Value.AdminPassword ?? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        await signIn.CreateAsync(Tenant.DefaultId, "admin", "Administrator", Role.Admin, password, cancellationToken);
        if (options.Value.AdminPassword is null)
        {
            var path = WriteSecret("admin-password", password);
            logger.LogWarning("No SMX_ADMIN_PASSWORD was set: created the web UI user 'admin' and wrote its password to {Path}", path);
        }
    }

    private string WriteSecret(string name, string secret)
    {
        Directory.CreateDirectory(options.Value.DataDir);
        var path = Path.Combine(options.Value.DataDir, name);
        File.WriteAllText(path, secret + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    private async Task SeedAdminKeyAsync(CancellationToken cancellationToken)
    {
        var secret = options.Value.AdminApiKey;
        var generated = false;
        if (secret is null)
        {
            if ((await keys.ListAsync(Tenant.DefaultId, cancellationToken)).Count > 0)
            {
                return;
            }

            secret = ApiKeySecret.Create();
            generated = true;
        }

        var key = new ApiKey(0, Tenant.DefaultId, "admin (seeded at start)", ApiKeySecret.Hint(secret), Role.Admin, Scopes.All,
            AutoRegisterSensors: false, RateLimitPerSecond: null, time.GetUtcNow(), null);
        await keys.CreateAsync(key, ApiKeySecret.Hash(secret), cancellationToken);
        if (generated)
        {
            var path = WriteSecret("admin-api-key", secret);
            logger.LogWarning("No SMX_ADMIN_API_KEY was set: created an admin API key and wrote it to {Path}", path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
