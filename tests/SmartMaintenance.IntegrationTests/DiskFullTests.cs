using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;

using Microsoft.Data.Sqlite;

using Xunit.Abstractions;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// The server's data folder on a small file system of its own (a tmpfs mounted for the test), filled up while clients
/// ingest: writes answer 503 with Retry-After and readiness says why; when space comes back both recover by
/// themselves, and everything acknowledged is there.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_disk_answers_503_with_retry_after_and_recovers_by_itself()
    {
        var mount = Directory.CreateTempSubdirectory("smx-full-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mount);
        try
        {
            var dataDir = Directory.CreateDirectory(Path.Combine(mount, "data")).FullName;
            using var server = await ServerProcess.StartAsync(dataDir, new Dictionary<string, string> { ["SMX_MIN_FREE_DISK_MB"] = "8" });
            using var client = server.CreateClient();
            await SmartMaintenanceApplication.SeedSensorAsync(client, "full-1");
            var epoch = DateTimeOffset.UtcNow.AddDays(-1);
            var acknowledged = 0L;
            var next = 0L;

            async Task<HttpResponseMessage> IngestAsync()
            {
                var response = await client.PostAsync("/api/v1/readings", CsvReadings.Batch("full-1", epoch, next, 500));
                if (response.IsSuccessStatusCode)
                {
                    acknowledged += 500;
                }

                next += 500;
                return response;
            }

            (await IngestAsync()).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            // Fill the file system up, then keep ingesting until the store runs out of room.
            var filler = Path.Combine(mount, "filler");
            Fill(filler);
            HttpResponseMessage? full = null;
            for (var i = 0; i < 200 && full is null; i++)
            {
                var response = await IngestAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    full = response;
                }
            }

            Assert.NotNull(full);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
            Assert.True(full.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            Assert.Contains("disk is full", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("Unhealthy", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sensors/full-1")).StatusCode);

            // Space comes back: without a restart, readiness and ingest recover.
            File.Delete(filler);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "readiness did not recover within 60 s of space coming back");
                await Task.Delay(500);
            }

            (await IngestAsync()).EnsureSuccessStatusCode();
            var stored = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/sensors/full-1/series?bucket=1h&from=" +
                Uri.EscapeDataString(epoch.AddHours(-1).ToString("O", CultureInfo.InvariantCulture)));
            var count = stored.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64());
            server.Kill();
            output.WriteLine($"{acknowledged} readings acknowledged, {count} stored; log: {server.Output.Split('\n').Count(l => l.Contains("Disk full", StringComparison.Ordinal))} disk-full lines, " +
                $"{server.Output.Split('\n').Count(l => l.Contains("cannot rollback", StringComparison.Ordinal))} 'cannot rollback'");
            Assert.Equal(acknowledged, count);
            Assert.DoesNotContain("cannot rollback", server.Output, StringComparison.Ordinal);
            using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "smartmaintenance.db")};Pooling=False");
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await RunAsync("umount", "--lazy", mount);
            Directory.Delete(mount, recursive: true);
        }
    }

    /// <summary>Writes zeros until the file system refuses more.</summary>
    private static void Fill(string path)
    {
        var block = new byte[1 << 20];
        // Unbuffered: a refused write leaves nothing behind for the close to try again.
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // Full. Fill the last megabyte's remainder too.
            for (var size = block.Length / 2; size >= 512; size /= 2)
            {
                try
                {
                    file.Write(block, 0, size);
                }
                catch (IOException)
                {
                    // Smaller pieces next.
                }
            }
        }
    }

    /// <summary>Runs a mount command as root, directly or through password-less sudo; the test needs one of them.</summary>
    private static async Task RunAsync(params string[] command)
    {
        var root = Environment.UserName == "root";
        var info = new ProcessStartInfo(root ? command[0] : "sudo") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (!root)
        {
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add(command[0]);
        }

        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0,
            $"'{string.Join(' ', command)}' failed ({process.ExitCode}): {errors} — the disk-full test mounts a small tmpfs and needs root or password-less sudo.");
    }
}
