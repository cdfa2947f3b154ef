using System.Net.Http.Json;
using System.Text.Json;

using SmartMaintenance.Cli;

namespace SmartMaintenance.IntegrationTests;

public class CliImportTests
{
    [Fact]
    public async Task Import_sends_a_csv_file_in_batches_and_names_bad_lines_and_a_rerun_stores_nothing_twice()
    {
        await using var app = new SmartMaintenanceApplication();
        await app.SeedSensorAsync();
        using var client = app.CreateAdminClient();
        var file = new FileInfo(Path.Combine(app.DataDir, "import.csv"));
        var start = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        await File.WriteAllLinesAsync(file.FullName,
            ["sensor_id,timestamp,value", .. Enumerable.Range(0, 25).Select(i => $"pump-1-temp,{start.AddMinutes(i):O},{i}"), "pump-1-temp,soon,1"]);
        var errors = new StringWriter();

        var importer = new ReadingFileImporter(client, batchSize: 10, TextWriter.Null, errors);
        Assert.True(await importer.ImportAsync(file, default), errors.ToString());

        Assert.Equal((26, 25, 1), (importer.Totals.Sent, importer.Totals.Accepted, importer.Totals.Rejected));
        Assert.Contains("import.csv:27: timestamp", errors.ToString(), StringComparison.Ordinal);
        var again = new ReadingFileImporter(client, batchSize: 7, TextWriter.Null, TextWriter.Null);
        Assert.True(await again.ImportAsync(file, default));
        Assert.Equal((0, 25), (again.Totals.Accepted, again.Totals.Duplicates));
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/sensors/readings?sensor_id=pump-1-temp&limit=100");
        Assert.Equal(25, page.GetProperty("readings").GetArrayLength());
    }
}
