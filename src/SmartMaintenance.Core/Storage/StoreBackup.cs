using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

using Microsoft.Data.Sqlite;

using Npgsql;

using SmartMaintenance.Storage.Sqlite;

namespace SmartMaintenance.Storage;

/// <summary>Which store a backup was taken from, when, and what else it holds.</summary>
public sealed record BackupManifest(int Format, string Store, DateTimeOffset CreatedAt, int ModelFiles);

/// <summary>
/// Consistent online backups of the whole platform and their restore: one <c>.tar.gz</c> holding a manifest, the
/// database (SQLite's online backup API copies a consistent snapshot while the server writes; for PostgreSQL
/// <c>pg_dump</c>'s custom format, one snapshot) and the model files of the data folder.
/// </summary>
/// <remarks>
/// A restore goes into an empty target only — a data folder without a database, a PostgreSQL database without the
/// platform's schema — so it never mixes two histories; the server must not run on the target meanwhile.
/// </remarks>
public static class StoreBackup
{
    public const int Format = 1;
    private const string ManifestEntry = "manifest.json";
    private const string SqliteEntry = "database/" + SqliteDatabase.FileName;
    private const string PostgresEntry = "database/postgresql.dump";
    private const string ModelsFolder = "models";

    /// <summary>Backs up the store of <paramref name="dataDir"/> (or the PostgreSQL database when a connection string is given).</summary>
    public static async Task<BackupManifest> CreateAsync(string dataDir, string? postgres, string output, TimeProvider time, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("smx-backup-").FullName;
        try
        {
            string databaseFile;
            if (string.IsNullOrWhiteSpace(postgres))
            {
                var source = Path.Combine(dataDir, SqliteDatabase.FileName);
                if (!File.Exists(source))
                {
                    throw new BackupException($"No SQLite database in {dataDir} (expected {SqliteDatabase.FileName}); is this the data folder?");
                }

                databaseFile = Path.Combine(work, SqliteDatabase.FileName);
                using (var from = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False"))
                using (var to = new SqliteConnection($"Data Source={databaseFile};Pooling=False"))
                {
                    from.Open();
                    to.Open();
                    from.BackupDatabase(to);
                }
            }
            else
            {
                databaseFile = Path.Combine(work, "postgresql.dump");
                await RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", $"--file={databaseFile}"], postgres, cancellationToken);
            }

            var models = Path.Combine(dataDir, ModelsFolder);
            var modelFiles = Directory.Exists(models) ? Directory.GetFiles(models, "*", SearchOption.AllDirectories) : [];
            var manifest = new BackupManifest(Format, string.IsNullOrWhiteSpace(postgres) ? "sqlite" : "postgresql", time.GetUtcNow(), modelFiles.Length);
            var partial = output + ".partial";
            await using (var file = File.Create(partial))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, ManifestEntry) { DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest)) };
                await tar.WriteEntryAsync(entry, cancellationToken);
                await tar.WriteEntryAsync(databaseFile, manifest.Store == "sqlite" ? SqliteEntry : PostgresEntry, cancellationToken);
                foreach (var model in modelFiles)
                {
                    await tar.WriteEntryAsync(model, ModelsFolder + "/" + Path.GetRelativePath(models, model).Replace('\\', '/'), cancellationToken);
                }
            }

            File.Move(partial, output, overwrite: true);
            return manifest;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Restores a backup into an empty data folder (and an empty PostgreSQL database when the backup is of one).</summary>
    public static async Task<BackupManifest> RestoreAsync(string input, string dataDir, string? postgres, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("smx-restore-").FullName;
        try
        {
            await using (var file = File.OpenRead(input))
            await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            {
                // Entry names are checked by the extraction: nothing lands outside the work folder.
                await TarFile.ExtractToDirectoryAsync(gzip, work, overwriteFiles: false, cancellationToken);
            }

            var manifestPath = Path.Combine(work, ManifestEntry);
            var manifest = File.Exists(manifestPath) ? JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllBytesAsync(manifestPath, cancellationToken)) : null;
            if (manifest is null || manifest.Format != Format)
            {
                throw new BackupException($"{input} is not a SmartMaintenance backup of format {Format} (no or another manifest).");
            }

            Directory.CreateDirectory(dataDir);
            if (manifest.Store == "sqlite")
            {
                if (!string.IsNullOrWhiteSpace(postgres))
                {
                    throw new BackupException("This backup is of an SQLite store; restore it without a PostgreSQL connection string.");
                }

                var target = Path.Combine(dataDir, SqliteDatabase.FileName);
                if (File.Exists(target))
                {
                    throw new BackupException($"{target} exists: restore into an empty data folder (move the current one aside first).");
                }

                File.Move(Path.Combine(work, SqliteEntry), target);
            }
            else
            {
                if (string.IsNullOrWhiteSpace(postgres))
                {
                    throw new BackupException("This backup is of a PostgreSQL store; give the connection string of an empty database (--postgres or SMX_POSTGRES).");
                }

                await using (var connection = new NpgsqlConnection(postgres))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var command = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
                    if (await command.ExecuteScalarAsync(cancellationToken) is true)
                    {
                        throw new BackupException("The target PostgreSQL database holds a SmartMaintenance schema already: restore into an empty database.");
                    }
                }

                await RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", Path.Combine(work, PostgresEntry)],
                    postgres, cancellationToken);
            }

            var models = Path.Combine(work, ModelsFolder);
            if (Directory.Exists(models))
            {
                foreach (var model in Directory.GetFiles(models, "*", SearchOption.AllDirectories))
                {
                    var target = Path.Combine(dataDir, ModelsFolder, Path.GetRelativePath(models, model));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(model, target, overwrite: true);
                }
            }

            return manifest;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs a PostgreSQL client program against the database of <paramref name="connectionString"/> (libpq environment).</summary>
    private static async Task RunAsync(string program, string[] arguments, string connectionString, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(FindClient(program)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments.Append($"--dbname={settings.Database}"))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = settings.Host;
        start.Environment["PGPORT"] = settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = settings.Username;
        if (settings.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new BackupException($"{program} could not be started.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new BackupException($"{program} failed ({process.ExitCode}): {(await errors).Trim()}");
        }
    }

    /// <summary>The client program on the PATH, or the newest in Debian's PostgreSQL folders.</summary>
    private static string FindClient(string program)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin", program)).Where(File.Exists)
                .OrderByDescending(p => p, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return debian ?? onPath ?? throw new BackupException($"{program} is not installed (Debian: apt-get install postgresql-client).");
    }
}

/// <summary>A backup or restore that cannot be done, with the reason a person can act on.</summary>
public sealed class BackupException(string message) : Exception(message);
