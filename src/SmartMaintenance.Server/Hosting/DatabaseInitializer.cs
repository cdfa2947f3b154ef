using Microsoft.Extensions.Options;
using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Storage;
using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Server.Hosting;

/// <summary>Seeds the admin key at start.</summary>
internal sealed class DatabaseInitializer(
    SqliteDatabase database, IApiKeyStore keys, IOptions<SmartMaintenanceOptions> options, TimeProvider time,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Embedded store ready at {File}", database.FilePath);
        if (options.Value.AdminApiKey is { } secret)
        {
            var key = new ApiKey(0, Tenant.DefaultId, "admin (SMX_ADMIN_API_KEY)", ApiKeySecret.Hint(secret), Role.Admin, Scopes.All,
                AutoRegisterSensors: false, RateLimitPerSecond: null, time.GetUtcNow(), null);
            await keys.CreateAsync(key, ApiKeySecret.Hash(secret), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
