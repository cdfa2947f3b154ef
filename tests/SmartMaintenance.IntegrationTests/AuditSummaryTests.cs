using SmartMaintenance.Server.Components.Ui;

namespace SmartMaintenance.IntegrationTests;

public sealed class AuditSummaryTests
{
    [Fact]
    public void Plain_fields_are_kept_and_windows_of_readings_are_left_out()
    {
        var payload = """{"anomaly_id":"a1","value":95.123456,"detectors":["spike","level"],"window":[{"at":"x","value":1}],"auto":true}""";

        Assert.Equal("anomaly id: a1 · value: 95.123 · detectors: spike, level · auto: true", AuditSummary.Of(payload));
    }

    [Fact]
    public void Text_that_is_not_a_json_object_is_shown_as_it_is()
    {
        Assert.Equal("not json", AuditSummary.Of("not json"));
        Assert.Equal("[1,2]", AuditSummary.Of("[1,2]"));
    }
}
