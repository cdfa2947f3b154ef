using Microsoft.Extensions.Options;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Seeds the admin key at start: the one named by <c>SMX_ADMIN_API_KEY</c>, or on a first start without it a random
/// one written to <c>admin-api-key</c> in the data folder (readable by the owner only), so a fresh install is usable.
/// </summary>
internal sealed class DatabaseInitializer(
    SqliteDatabase database, IApiKeyStore keys, IOptions<SmartMaintenanceOptions> options, TimeProvider time,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Embedded store ready at {File}", database.FilePath);
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
            var path = Path.Combine(Path.GetDirectoryName(database.FilePath)!, "admin-api-key");
            await File.WriteAllTextAsync(path, secret + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            logger.LogWarning("No SMX_ADMIN_API_KEY was set: created an admin API key and wrote it to {Path}", path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
