using System.Net.Http.Json;
using System.Text.Json;

using SmartMaintenance.Storage;

namespace SmartMaintenance.IntegrationTests;

/// <summary>
/// `smx backup` / `smx restore` on the store the run uses (SQLite, then PostgreSQL in the second run): a backup taken
/// while the server ingests restores into an empty folder (and database) that a new server starts on with the data of
/// that moment, its audit trail still valid, its key ring (the sessions' keys) with it; a restore never goes over existing data.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task A_backup_taken_while_the_server_runs_restores_what_was_stored_at_that_moment_and_nothing_after()
    {
        var source = Directory.CreateTempSubdirectory("smx-it-backup-").FullName;
        var target = Directory.CreateTempSubdirectory("smx-it-restore-").FullName;
        var archive = Path.Combine(Path.GetTempPath(), $"smx-backup-{Guid.NewGuid():N}.tar.gz");
        try
        {
            await using (var running = new SmartMaintenanceApplication(dataDir: source))
            {
                await running.SeedSensorAsync();
                using var client = running.CreateAdminClient();
                await PumpSignal.PostAsync(client, PumpSignal.Batch(0, 50, PumpSignal.Normal));
                Directory.CreateDirectory(Path.Combine(source, "models", "pump-risk"));
                await File.WriteAllTextAsync(Path.Combine(source, "models", "pump-risk", "v1.zip"), "model bytes");
                // The sign-in form's antiforgery token makes the key ring's first key, which the backup must carry.
                using (var browser = running.CreateClient())
                {
                    (await browser.GetAsync("/signin")).EnsureSuccessStatusCode();
                }

                var manifest = await StoreBackup.CreateAsync(source, SmartMaintenanceApplication.PostgresOf(source), archive, TimeProvider.System, default);
                Assert.Equal((SmartMaintenanceApplication.PostgresServer is null ? "sqlite" : "postgresql", 1), (manifest.Store, manifest.ModelFiles));

                // Stored after the backup: not in it.
                await PumpSignal.PostAsync(client, PumpSignal.Batch(50, 10, PumpSignal.Normal));
            }

            var restored = await StoreBackup.RestoreAsync(archive, target, SmartMaintenanceApplication.PostgresOf(target), default);
            Assert.Equal(1, restored.ModelFiles);
            Assert.Equal("model bytes", await File.ReadAllTextAsync(Path.Combine(target, "models", "pump-risk", "v1.zip")));
            var again = await Assert.ThrowsAsync<BackupException>(() =>
                StoreBackup.RestoreAsync(archive, target, SmartMaintenanceApplication.PostgresOf(target), default));
            Assert.Contains("empty", again.Message, StringComparison.Ordinal);
            const string KeyRing = "SELECT xml FROM data_protection_keys";
            Assert.NotNull(await SmartMaintenanceApplication.SqlAsync(source, KeyRing));
            Assert.Equal(await SmartMaintenanceApplication.SqlAsync(source, KeyRing), await SmartMaintenanceApplication.SqlAsync(target, KeyRing));

            await using var restarted = new SmartMaintenanceApplication(dataDir: target);
            using var after = restarted.CreateAdminClient();
            var readings = await after.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=1000");
            Assert.Equal(50, readings.GetProperty("readings").GetArrayLength());
            var verified = await after.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
            Assert.True(verified.GetProperty("valid").GetBoolean());
            Assert.True(verified.GetProperty("checked").GetInt64() > 0);

            // The restored platform goes on: a new reading is stored after the restored ones.
            await PumpSignal.PostAsync(after, PumpSignal.Batch(60, 1, PumpSignal.Normal));
            readings = await after.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=1000");
            Assert.Equal(51, readings.GetProperty("readings").GetArrayLength());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(archive);
            Directory.Delete(source, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }
}
