using System.CommandLine;
using System.Globalization;

namespace SmartMaintenance.Cli;

/// <summary>`smx import FILE...`: bulk-imports CSV or NDJSON reading files through the HTTP API, with progress.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "CSV (with a sensor_id,timestamp,value header) or NDJSON files", Arity = ArgumentArity.OneOrMore };
        var url = new Option<string>("--url") { Description = "Base address of the platform", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var key = new Option<string?>("--key") { Description = "API key with data:ingest (default: $SMX_API_KEY)" };
        var batch = new Option<int>("--batch") { Description = "Readings per request", DefaultValueFactory = _ => 5000 };
        var command = new Command("import", "Import reading files (CSV or NDJSON) through the API") { files, url, key, batch };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(files)!, parse.GetValue(url)!, parse.GetValue(key) ?? Environment.GetEnvironmentVariable("SMX_API_KEY"),
            parse.GetValue(batch), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo[] files, string address, string? key, int batchSize, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"--url must be an http(s) address, not '{address}'.");
            return 2;
        }

        if (string.IsNullOrEmpty(key))
        {
            await Console.Error.WriteLineAsync("An API key is needed: pass --key or set SMX_API_KEY.");
            return 2;
        }

        if (batchSize is < 1 or > 50_000)
        {
            await Console.Error.WriteLineAsync("--batch must be between 1 and 50000.");
            return 2;
        }

        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        var importer = new ReadingFileImporter(client, batchSize, Console.Out, Console.Error);
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"{file.FullName}: no such file");
                return 2;
            }

            if (!await importer.ImportAsync(file, cancellationToken))
            {
                return 1;
            }
        }

        var total = importer.Totals;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {total.Sent} readings sent, {total.Accepted} accepted, {total.Duplicates} duplicates, {total.Rejected - total.Duplicates} invalid"));
        return total.Rejected > total.Duplicates ? 1 : 0;
    }
}
