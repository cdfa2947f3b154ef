using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Agents.Contracts;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Orchestrator;

/// <summary>
/// The cases' reminders: due times are persisted with each case, and this loop wakes every case whose decision is
/// overdue or whose deferral has ended, so time-based moves survive restarts. Waking a case twice (several nodes, a
/// retry) does nothing the second time, because the case re-checks its own due time.
/// </summary>
public sealed class CaseTimekeeper(IMaintenanceStore store, IGrainFactory grains, TimeProvider time, CaseTimekeeperOptions options,
    ILogger<CaseTimekeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var caseId in await store.ListDueCasesAsync(time.GetUtcNow(), 500, stoppingToken))
                {
                    await grains.GetGrain<IMaintenanceCaseAgent>(caseId).CheckDueAsync();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Waking due cases failed; the next tick tries again");
            }
        }
    }
}

public sealed record CaseTimekeeperOptions(TimeSpan Interval);
