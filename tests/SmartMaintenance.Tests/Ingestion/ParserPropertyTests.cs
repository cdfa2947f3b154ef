using System.Text;

using CsCheck;

using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Tests.Ingestion;

/// <summary>
/// The three body parsers under generated input — hostile fields, broken syntax, bytes that are not UTF-8, cut-off
/// bodies: a body is either refused whole with a format error, or every item is accounted for exactly once (kept,
/// rejected with its field and reason, or waiting for registration), and nothing kept is outside the rules.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly string[] SensorIds =
        ["pump-1-temp", "pump-1-vib", "ghost", "", " ", "pump-1-temp\\u0000", "\\ud800", "new-one", new string('s', 200), "a\\\"b", "é漢"];

    private static readonly string[] Timestamps =
        ["2026-11-25T10:00:00Z", "2026-11-25T10:00:00.123456+01:00", "2026-11-25T10:00:00", "2026-13-45T25:61:61Z", "1.5", "",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-25 10:00:00Z", "2026-11-25T10:00:00\\udfffZ", "1969-12-31T23:59:59Z"];

    private static readonly string[] Values =
        ["1", "-1.5", "0", "1e308", "1e309", "-1e309", "1e160", "4.9e-324", "\"12\"", "\"NaN\"", "NaN", "true", "null", "[]", "{}", "123456789012345678901234567890"];

    private static readonly string[] Units = ["°C", "degC", "mm/s", "bar", "", "\\u0000", "\\ud800", new string('u', 40), "=1+1"];

    private static readonly string[] Qualities = ["good", "bad", "uncertain", "meh", "", "\\ud800"];

    private static readonly Gen<string> JsonItem = Gen.Select(
        Gen.OneOf(SensorIds), Gen.OneOf(Timestamps), Gen.OneOf(Values), Gen.OneOf(Units), Gen.OneOf(Qualities), Gen.Int[0, 5],
        (sensor, at, value, unit, quality, shape) => shape switch
        {
            0 => $$"""{"sensor_id":"{{sensor}}","timestamp":"{{at}}","value":{{value}}}""",
            1 => $$"""{"sensor_id":"{{sensor}}","timestamp":"{{at}}","value":{{value}},"unit":"{{unit}}","quality":"{{quality}}"}""",
            2 => $$"""{"value":{{value}},"sensor_id":"{{sensor}}","extra":{"a":[1,{"b":null}]},"timestamp":"{{at}}"}""",
            3 => $$"""{"sensor_id":"{{sensor}}","sensor_id":"pump-1-vib","timestamp":"{{at}}","value":{{value}}}""",
            4 => value,
            _ => $$"""{"sensor_id":{{value}},"timestamp":{{value}},"value":"{{sensor}}"}""",
        });

    private static readonly Gen<string> CsvRow = Gen.Select(
        Gen.OneOf(SensorIds), Gen.OneOf(Timestamps), Gen.OneOf(Values), Gen.OneOf(Units), Gen.OneOf(Qualities), Gen.Bool,
        (sensor, at, value, unit, quality, quoted) => quoted
            ? $"\"{sensor.Replace("\"", "\"\"", StringComparison.Ordinal)}\",\"{at}\",{value},\"{unit}\",{quality}"
            : $"{sensor},{at},{value},{unit},{quality}");

    /// <summary>A body and its format, sometimes with bytes that are not UTF-8 put in or its end cut off.</summary>
    private static readonly Gen<(ReadingFormat Format, byte[] Body)> Bodies = Gen.Select(
        Gen.OneOf(ReadingFormat.JsonArray, ReadingFormat.NdJson, ReadingFormat.Csv),
        JsonItem.Array[0, 12], CsvRow.Array[0, 12], Gen.Int[0, 3], Gen.Double[0, 1], Gen.Byte.Array[1, 4],
        (format, items, rows, damage, where, junk) =>
        {
            var text = format switch
            {
                ReadingFormat.JsonArray => "[" + string.Join(',', items) + "]",
                ReadingFormat.NdJson => string.Join('\n', items),
                _ => "sensor_id,timestamp,value,unit,quality\n" + string.Join('\n', rows),
            };
            var body = Encoding.UTF8.GetBytes(text);
            var at = (int)(where * body.Length);
            return (format, damage switch
            {
                1 => [.. body.AsSpan(0, at), .. junk, .. body.AsSpan(at)],
                2 => body[..at],
                _ => body,
            });
        });

    [Fact]
    public void Every_item_is_kept_rejected_or_pending_exactly_once_or_the_body_is_refused_whole() =>
        Bodies.Sample(sample =>
        {
            var builder = new ReadingBatchBuilder(BatchFixture.Sensors, autoRegister: true, BatchFixture.Now, new IngestionOptions());
            try
            {
                ReadingBatchParser.Parse(sample.Body, sample.Format, builder);
            }
            catch (BatchFormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return;
            }

            var report = builder.Report;
            Assert.Equal(report.Received, builder.Count + report.Rejected.Count + builder.Pending.Count);
            var seen = builder.Indices.ToArray().Concat(report.Rejected.Select(r => r.Index)).Concat(builder.Pending.Select(p => p.Index)).ToArray();
            Assert.Equal(Enumerable.Range(0, report.Received), seen.Order());
            Assert.All(report.Rejected, r => Assert.False(string.IsNullOrEmpty(r.Field) || string.IsNullOrEmpty(r.Reason)));
            foreach (var reading in builder.Readings.Span)
            {
                Assert.True(double.IsFinite(reading.Value) && Math.Abs(reading.Value) <= 1e100, $"kept value {reading.Value}");
                Assert.Contains(reading.SensorKey, new long[] { 1, 2 });
                Assert.True(reading.Timestamp >= DateTimeOffset.UnixEpoch && reading.Timestamp <= BatchFixture.Now.AddMinutes(5));
            }

            Assert.All(builder.Pending, p => Assert.Matches(SmartMaintenance.Domain.CatalogText.IdPattern, p.SensorId));
        }, iter: 20_000, print: s => $"{s.Format}: {Encoding.UTF8.GetString(s.Body)}");
}
