using Microsoft.Extensions.Options;

using SmartMaintenance.Storage.Retention;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Applies every tenant's retention policy by itself, every <see cref="SmartMaintenanceOptions.RetentionInterval"/> (the first
/// run one interval after start, so a restart loop does not turn into a deletion loop). A failed run is logged and tried
/// again at the next tick.
/// </summary>
internal sealed class RetentionWorker(ReadingRetention retention, IOptions<SmartMaintenanceOptions> options, TimeProvider time, ILogger<RetentionWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (tenant, run) in await retention.RunAllAsync(stoppingToken))
                {
                    if (run.DroppedAnything)
                    {
                        logger.LogInformation("Retention removed {Raw} readings, {Minutes} minute and {Hours} hour roll-ups of tenant {Tenant}",
                            run.RawReadings, run.MinuteRollups, run.HourRollups, tenant);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Applying retention policies failed; retrying at the next tick");
            }
        }
    }
}
