using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Predictions;

/// <summary>
/// Asks every asset's agent to judge its newest complete minutes, once a minute (and soon after start, so a fresh
/// install's back-filled day is learned at once). An asset that fails is logged and tried again on the next tick.
/// Hourly, it forgets health history older than <see cref="IAssetHealthStore.Retention"/>.
/// </summary>
public sealed class AssetHealthRefresher(ICatalogStore catalog, IAssetHealthStore history, IGrainFactory grains, TimeProvider time,
    AssetHealthRefresherOptions options, ILogger<AssetHealthRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(options.FirstDelay, time, stoppingToken);
        using var timer = new PeriodicTimer(options.Interval, time);
        var pruned = DateTimeOffset.MinValue;
        do
        {
            if (time.GetUtcNow() - pruned >= TimeSpan.FromHours(1))
            {
                pruned = time.GetUtcNow();
                try
                {
                    await history.DeleteBeforeAsync(pruned - IAssetHealthStore.Retention, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Forgetting old asset health history failed; the next hour tries again");
                }
            }

            foreach (var tenant in await catalog.ListTenantsAsync(stoppingToken))
            {
                // A retired asset's sensors take no readings: nothing to judge.
                foreach (var asset in (await catalog.ListAssetsAsync(tenant.Id, null, stoppingToken)).Where(a => a.RetiredAt is null))
                {
                    try
                    {
                        await grains.GetGrain<IAssetAgent>(AssetAgent.KeyOf(tenant.Id, asset.AssetId)).RefreshHealthAsync();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "Refreshing the health of asset {AssetId} failed; the next tick tries again", asset.AssetId);
                    }
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>How often asset health is refreshed, and how long after start the first time.</summary>
public sealed record AssetHealthRefresherOptions(TimeSpan Interval, TimeSpan FirstDelay)
{
    public static AssetHealthRefresherOptions Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(20));
}
