using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Tests.Ingestion;

public class CsvReadingParserTests
{
    [Fact]
    public void Columns_are_found_by_header_name_in_any_order()
    {
        using var batch = BatchFixture.Parse(
            "\uFEFFvalue,extra,timestamp,sensor_id,unit\r\n1.5,x,2026-11-25T10:00:00Z,pump-1-temp,°C\r\n\"2\",\"a,b\",2026-11-25T10:00:01+00:00,\"pump-1-vib\",\n",
            ReadingFormat.Csv);

        Assert.Empty(batch.Report.Rejected);
        Assert.Equal([1.5, 2.0], batch.Readings.ToArray().Select(r => r.Value));
    }

    [Fact]
    public void Bad_rows_are_reported_by_index_and_field()
    {
        using var batch = BatchFixture.Parse(
            "sensor_id,timestamp,value\npump-1-temp,2026-11-25T10:00:00Z,abc\npump-1-temp,2026-11-25T10:00:00Z,NaN\n" +
            "pump-1-temp,,1\npump-1-temp,\"2026-11-25T10:00:00Z,1\npump-1-temp,2026-11-25T10:00:02Z,7\n",
            ReadingFormat.Csv);

        Assert.Equal([(0, "value"), (1, "value"), (2, "timestamp"), (3, "item")],
            batch.Report.Rejected.Select(e => (e.Index, e.Field)).ToArray());
        Assert.Equal(7, Assert.Single(batch.Readings.ToArray()).Value);
    }

    [Fact]
    public void Missing_required_column_rejects_the_body()
    {
        var error = Assert.Throws<BatchFormatException>(() => BatchFixture.Parse("sensor,timestamp,value\na,b,c\n", ReadingFormat.Csv));

        Assert.Contains("sensor_id", error.Message, StringComparison.Ordinal);
    }
}
