using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.Cli;

/// <summary>
/// `smx import FILE...`: bulk-imports CSV or NDJSON reading files through the HTTP API in batches, with progress.
/// Each batch carries an Idempotency-Key derived from the file's content and the batch number, so an import that
/// is interrupted and run again neither loses nor doubles a reading.
/// </summary>
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
        var total = new ImportTotals();
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"{file.FullName}: no such file");
                return 2;
            }

            if (!await ImportFileAsync(client, file, batchSize, total, cancellationToken))
            {
                return 1;
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {total.Sent} readings sent, {total.Accepted} accepted, {total.Duplicates} duplicates, {total.Rejected - total.Duplicates} invalid"));
        return total.Rejected > total.Duplicates ? 1 : 0;
    }

    private static async Task<bool> ImportFileAsync(HttpClient client, FileInfo file, int batchSize, ImportTotals total, CancellationToken cancellationToken)
    {
        var csv = file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase);
        var contentType = csv ? "text/csv" : "application/x-ndjson";
        var fileId = Convert.ToHexStringLower(await SHA256.HashDataAsync(file.OpenRead(), cancellationToken))[..16];
        using var reader = file.OpenText();
        var header = csv ? await reader.ReadLineAsync(cancellationToken) : null;
        var lines = new List<(int Line, string Text)>(batchSize);
        var lineNumber = csv ? 1 : 0;
        var batchNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (line.Length > 0)
            {
                lines.Add((lineNumber, line));
            }

            if (lines.Count == batchSize)
            {
                if (!await SendAsync(client, file, header, contentType, $"{fileId}-{batchNumber++}", lines, total, cancellationToken))
                {
                    return false;
                }

                lines.Clear();
            }
        }

        return lines.Count == 0 || await SendAsync(client, file, header, contentType, $"{fileId}-{batchNumber}", lines, total, cancellationToken);
    }

    private static async Task<bool> SendAsync(
        HttpClient client, FileInfo file, string? header, string contentType, string idempotencyKey,
        List<(int Line, string Text)> lines, ImportTotals total, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        if (header is not null)
        {
            body.Append(header).Append('\n');
        }

        foreach (var (_, text) in lines)
        {
            body.Append(text).Append('\n');
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/readings")
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request, cancellationToken);
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
        var report = document.RootElement.TryGetProperty("report", out var inner) ? inner : document.RootElement;
        if (!report.TryGetProperty("received", out _))
        {
            var detail = document.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : json;
            await Console.Error.WriteLineAsync($"{file.Name}: the server answered {(int)response.StatusCode}: {detail}");
            return false;
        }

        total.Sent += lines.Count;
        total.Accepted += report.GetProperty("accepted").GetInt32();
        total.Duplicates += report.GetProperty("duplicates").GetInt32();
        foreach (var error in report.GetProperty("rejected").EnumerateArray())
        {
            total.Rejected++;
            var index = error.GetProperty("index").GetInt32();
            if (total.Rejected - total.Duplicates <= 20 && error.GetProperty("reason").GetString() is { } reason && !reason.StartsWith("duplicate", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync($"{file.Name}:{lines[index].Line}: {error.GetProperty("field").GetString()} {reason}");
            }
        }

        Console.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{file.Name}: {total.Sent} sent, {total.Accepted} accepted, {total.Rejected} rejected   "));
        return true;
    }

    private sealed class ImportTotals
    {
        public long Sent { get; set; }
        public long Accepted { get; set; }
        public long Duplicates { get; set; }
        public long Rejected { get; set; }
    }
}
