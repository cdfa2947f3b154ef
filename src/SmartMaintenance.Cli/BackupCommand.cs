using System.CommandLine;

using SmartMaintenance.Storage;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx backup` and `smx restore`: a consistent online backup of the platform's store (SQLite or PostgreSQL) and model
/// files into one archive, and its restore into an empty data folder (and empty database).
/// </summary>
internal static class BackupCommand
{
    public static Command CreateBackup()
    {
        var (dataDir, postgres) = StoreOptions();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The archive to write (.tar.gz)", Required = true };
        var command = new Command("backup", "Back up the store and the model files while the server runs") { dataDir, postgres, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var manifest = await StoreBackup.CreateAsync(parse.GetValue(dataDir)!, Postgres(parse.GetValue(postgres)), parse.GetValue(output)!.FullName,
                    TimeProvider.System, cancellationToken);
                Console.WriteLine($"Backed up the {manifest.Store} store and {manifest.ModelFiles} model files to {parse.GetValue(output)!.FullName}");
                return 0;
            }
            catch (BackupException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return command;
    }

    public static Command CreateRestore()
    {
        var (dataDir, postgres) = StoreOptions();
        var input = new Option<FileInfo>("--input", "-i") { Description = "An archive written by `smx backup`", Required = true };
        var command = new Command("restore", "Restore a backup into an empty data folder (and an empty PostgreSQL database); stop the server first")
        {
            dataDir, postgres, input,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var archive = parse.GetValue(input)!;
            if (!archive.Exists)
            {
                await Console.Error.WriteLineAsync($"{archive.FullName}: no such file");
                return 2;
            }

            try
            {
                var manifest = await StoreBackup.RestoreAsync(archive.FullName, parse.GetValue(dataDir)!, Postgres(parse.GetValue(postgres)), cancellationToken);
                Console.WriteLine($"Restored the {manifest.Store} store of {manifest.CreatedAt:u} and {manifest.ModelFiles} model files");
                return 0;
            }
            catch (BackupException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Where the store is, as the server is told: the data folder and, for PostgreSQL, the connection string.</summary>
    private static (Option<string> DataDir, Option<string?> Postgres) StoreOptions() => (
        new Option<string>("--data-dir") { Description = "The data folder (default: $SMX_DATA_DIR, else ./data)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SMX_DATA_DIR") ?? "./data" },
        new Option<string?>("--postgres") { Description = "Npgsql connection string of the PostgreSQL store (default: $SMX_POSTGRES; unset means SQLite)" });

    private static string? Postgres(string? given) => given ?? Environment.GetEnvironmentVariable("SMX_POSTGRES");
}
