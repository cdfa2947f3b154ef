using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SmartMaintenance.Cli;

/// <summary>
/// Sends a CSV or NDJSON reading file to <c>POST /api/v1/readings</c> in batches and tallies the reports. Each batch
/// carries an Idempotency-Key derived from the file's content, the batch size and the batch number, so an import that is interrupted
/// and run again neither loses nor doubles a reading. Rejected items are reported with their line in the file.
/// </summary>
public sealed class ReadingFileImporter(HttpClient client, int batchSize, TextWriter progress, TextWriter errors)
{
    private const int MaxListedErrors = 20;

    public ImportTotals Totals { get; } = new();

    public async Task<bool> ImportAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var csv = file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase);
        string fileId;
        await using (var content = file.OpenRead())
        {
            fileId = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken))[..16];
        }

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
                if (!await SendAsync(file, header, csv, $"{fileId}-{batchSize}-{batchNumber++}", lines, cancellationToken))
                {
                    return false;
                }

                lines.Clear();
            }
        }

        return lines.Count == 0 || await SendAsync(file, header, csv, $"{fileId}-{batchSize}-{batchNumber}", lines, cancellationToken);
    }

    private async Task<bool> SendAsync(
        FileInfo file, string? header, bool csv, string idempotencyKey, List<(int Line, string Text)> lines, CancellationToken cancellationToken)
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

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/readings") { Content = new StringContent(body.ToString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(csv ? "text/csv" : "application/x-ndjson") { CharSet = "utf-8" };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request, cancellationToken);
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
        // A batch with no valid item comes back as a 422 problem that carries the report.
        var report = document.RootElement.TryGetProperty("report", out var inner) ? inner : document.RootElement;
        if (!report.TryGetProperty("received", out _))
        {
            var detail = document.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : json;
            await errors.WriteLineAsync($"{file.Name}: the server answered {(int)response.StatusCode}: {detail}");
            return false;
        }

        Totals.Sent += lines.Count;
        Totals.Accepted += report.GetProperty("accepted").GetInt32();
        Totals.Duplicates += report.GetProperty("duplicates").GetInt32();
        foreach (var error in report.GetProperty("rejected").EnumerateArray())
        {
            Totals.Rejected++;
            var reason = error.GetProperty("reason").GetString() ?? "";
            if (!reason.StartsWith("duplicate", StringComparison.Ordinal) && Totals.Rejected - Totals.Duplicates <= MaxListedErrors)
            {
                var line = lines[error.GetProperty("index").GetInt32()].Line;
                await errors.WriteLineAsync($"{file.Name}:{line}: {error.GetProperty("field").GetString()} {reason}");
            }
        }

        await progress.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"\r{file.Name}: {Totals.Sent} sent, {Totals.Accepted} accepted, {Totals.Rejected} rejected   "));
        return true;
    }
}

/// <summary>Counts of an import so far.</summary>
public sealed class ImportTotals
{
    public long Sent { get; set; }
    public long Accepted { get; set; }
    public long Duplicates { get; set; }
    public long Rejected { get; set; }
}
