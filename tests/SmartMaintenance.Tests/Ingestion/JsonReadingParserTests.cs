using SmartMaintenance.Domain;
using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Tests.Ingestion;

public class JsonReadingParserTests
{
    [Fact]
    public void Valid_array_yields_readings_in_utc_microseconds()
    {
        using var batch = BatchFixture.Parse("""
            [{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00.123456+01:00","value":42.5},
             {"sensor_id":"pump-1-vib","timestamp":"2026-11-25T09:00:01Z","value":-3,"unit":"mm/s","quality":"bad"}]
            """, ReadingFormat.JsonArray);

        Assert.Equal(2, batch.Count);
        Assert.Empty(batch.Report.Rejected);
        var first = batch.Readings.Span[0];
        Assert.Equal(1, first.SensorKey);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), first.Timestamp);
        Assert.Equal(42.5, first.Value);
        Assert.Equal(ReadingQuality.Bad, batch.Readings.Span[1].Quality);
    }

    [Fact]
    public void Each_bad_item_is_reported_with_its_index_and_field_and_the_rest_kept()
    {
        using var batch = BatchFixture.Parse("""
            [
              {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1},
              {"timestamp":"2026-11-25T10:00:00Z","value":1},
              {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00","value":1},
              {"sensor_id":"pump-1-temp","timestamp":"yesterday","value":1},
              {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":"12"},
              {"sensor_id":"ghost","timestamp":"2026-11-25T10:00:00Z","value":1},
              {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"unit":"bar"},
              {"sensor_id":"pump-1-temp","timestamp":"2027-01-01T00:00:00Z","value":1},
              {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"quality":"meh"},
              7,
              {"sensor_id":"pump-1-vib","timestamp":"2026-11-25T10:00:00Z","value":2,"asset_id":"ignored","extra":{"a":[1,2]}}
            ]
            """, ReadingFormat.JsonArray);

        Assert.Equal(11, batch.Report.Received);
        Assert.Equal([0, 10], batch.Indices.ToArray());
        Assert.Equal(
            [(1, "sensor_id"), (2, "timestamp"), (3, "timestamp"), (4, "value"), (5, "sensor_id"), (6, "unit"), (7, "timestamp"), (8, "quality"), (9, "item")],
            batch.Report.Rejected.Select(e => (e.Index, e.Field)).ToArray());
        Assert.Contains("offset", batch.Report.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("ghost", batch.Report.Rejected[4].Reason, StringComparison.Ordinal);
        Assert.Contains("future", batch.Report.Rejected[6].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unit_spellings_of_the_same_unit_are_accepted()
    {
        using var batch = BatchFixture.Parse("""
            [{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"unit":"degC"},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:01Z","value":1,"unit":"celsius"}]
            """, ReadingFormat.JsonArray);

        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void Value_outside_the_expected_range_is_kept_but_flagged_uncertain()
    {
        using var batch = BatchFixture.Parse("""[{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":140}]""", ReadingFormat.JsonArray);

        Assert.Equal(ReadingQuality.Uncertain, batch.Readings.Span[0].Quality);
        Assert.Equal(1, batch.Report.Flagged);
    }

    [Fact]
    public void Syntax_error_rejects_the_whole_array_and_says_where()
    {
        var error = Assert.Throws<BatchFormatException>(() => BatchFixture.Parse(
            "[{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":1},\n{\"sensor_id\": oops}]",
            ReadingFormat.JsonArray));

        Assert.Equal("line 2, byte 15", error.Location);
    }

    [Fact]
    public void A_lone_object_is_a_batch_of_one()
    {
        using var batch = BatchFixture.Parse("""{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1}""", ReadingFormat.JsonArray);

        Assert.Equal(1, batch.Count);
    }

    [Fact]
    public void Batch_longer_than_the_limit_is_refused()
    {
        var items = string.Join(',', Enumerable.Range(0, 4).Select(i => $$"""{"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:0{{i}}Z","value":1}"""));

        Assert.Throws<BatchTooLargeException>(() =>
            BatchFixture.Parse($"[{items}]", ReadingFormat.JsonArray, options: new IngestionOptions { MaxBatchItems = 3 }));
    }

    [Fact]
    public void Overlong_sensor_id_is_rejected_not_truncated()
    {
        var id = new string('a', 500);
        using var batch = BatchFixture.Parse($$"""[{"sensor_id":"{{id}}","timestamp":"2026-11-25T10:00:00Z","value":1}]""", ReadingFormat.JsonArray, autoRegister: true);

        Assert.Equal("sensor_id", Assert.Single(batch.Report.Rejected).Field);
        Assert.Empty(batch.Pending);
    }

    [Fact]
    public void Unknown_sensor_waits_for_registration_when_the_key_allows_it()
    {
        using var batch = BatchFixture.Parse("""[{"sensor_id":"new-1","timestamp":"2026-11-25T10:00:00Z","value":3,"unit":"bar"}]""", ReadingFormat.JsonArray, autoRegister: true);

        var pending = Assert.Single(batch.Pending);
        Assert.Equal(("new-1", "bar"), (pending.SensorId, pending.Unit));
        batch.ResolvePending(_ => new Sensor(9, 1, "new-1", null, "generic", "bar", null, null, 0, true, BatchFixture.Now));
        Assert.Equal(9, batch.Readings.Span[0].SensorKey);
    }

    [Fact]
    public void Ndjson_rejects_only_the_broken_line()
    {
        using var batch = BatchFixture.Parse(
            "{\"sensor_id\":\"pump-1-temp\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":1}\r\n\n{not json}\n" +
            "{\"sensor_id\":\"pump-1-vib\",\"timestamp\":\"2026-11-25T10:00:00Z\",\"value\":2}",
            ReadingFormat.NdJson);

        Assert.Equal(2, batch.Count);
        var error = Assert.Single(batch.Report.Rejected);
        Assert.Equal((1, "item"), (error.Index, error.Field));
        Assert.Contains("line 3", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Half_a_surrogate_pair_or_an_overlong_unit_rejects_only_its_item_naming_the_field()
    {
        using var batch = BatchFixture.Parse($$"""
            [{"sensor_id":"pump-1-\ud800","timestamp":"2026-11-25T10:00:00Z","value":1},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00\udfffZ","value":1},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"unit":"\ud800"},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"quality":"good\udc00"},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"unit":"{{new string('C', 33)}}"},
             {"sensor_id":"pump-1-temp","timestamp":"2026-11-25T10:00:00Z","value":1,"unit":"\u00b0C"}]
            """, ReadingFormat.JsonArray);

        Assert.Equal([5], batch.Indices.ToArray());
        Assert.Equal(["sensor_id", "timestamp", "unit", "quality", "unit"], batch.Report.Rejected.Select(e => e.Field));
        Assert.All(batch.Report.Rejected.Take(4), e => Assert.Contains("surrogate", e.Reason, StringComparison.Ordinal));
    }
}
