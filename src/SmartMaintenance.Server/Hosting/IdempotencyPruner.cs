using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Forgets batch responses kept for <c>Idempotency-Key</c> replays once they are a day old, every hour, so the
/// table does not grow without bound. A client retrying a batch a day later gets duplicates reported instead.
/// </summary>
internal sealed class IdempotencyPruner(IIdempotencyStore store, TimeProvider time, ILogger<IdempotencyPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var pruned = await store.PruneAsync(time.GetUtcNow() - Retention, stoppingToken);
                if (pruned > 0)
                {
                    logger.LogInformation("Forgot {Count} idempotency records older than {Hours} h", pruned, Retention.TotalHours);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Pruning idempotency records failed; retrying in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
