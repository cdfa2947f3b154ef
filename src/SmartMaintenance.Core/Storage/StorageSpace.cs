using Microsoft.Data.Sqlite;

namespace SmartMaintenance.Storage;

/// <summary>
/// Whether the data folder has room to write. A write that failed for lack of space is remembered for a short while,
/// and the folder's free space is measured, so readiness says "full" before and while writes fail and recovers by
/// itself once space comes back.
/// </summary>
public sealed class StorageSpace(string dataDirectory, long minimumFreeBytes, TimeProvider time)
{
    /// <summary>SQLite's result code for "database or disk is full".</summary>
    private const int SqliteFull = 13;

    /// <summary>errno ENOSPC, which .NET carries as the HResult of an IOException on Unix.</summary>
    private const int NoSpace = 28;

    /// <summary>How long a failed write keeps readiness down even if space shows free again.</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(10);

    private long _lastFailureTicks = long.MinValue;

    public string DataDirectory { get; } = dataDirectory;

    public long MinimumFreeBytes { get; } = minimumFreeBytes;

    /// <summary>True when <paramref name="exception"/> (or one inside it) says the disk is full.</summary>
    public static bool IsOutOfSpace(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull } || (e is IOException io && !OperatingSystem.IsWindows() && io.HResult == NoSpace))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsOutOfSpace))
            {
                return true;
            }
        }

        return false;
    }

    public void ReportOutOfSpace() => Interlocked.Exchange(ref _lastFailureTicks, time.GetUtcNow().UtcTicks);

    /// <summary>Bytes the data folder's file system still offers to this process.</summary>
    public long FreeBytes() => new DriveInfo(Path.GetFullPath(DataDirectory)).AvailableFreeSpace;

    /// <summary>Null when writes can go ahead, otherwise why they cannot.</summary>
    public string? Shortage()
    {
        var free = FreeBytes();
        if (free < MinimumFreeBytes)
        {
            return $"the data folder has {free / (1024 * 1024)} MiB free, less than the {MinimumFreeBytes / (1024 * 1024)} MiB needed to write safely";
        }

        var lastFailure = Interlocked.Read(ref _lastFailureTicks);
        return lastFailure != long.MinValue && time.GetUtcNow().UtcTicks - lastFailure < FailureMemory.Ticks
            ? "a write failed for lack of disk space moments ago"
            : null;
    }
}
