using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartMaintenance.IntegrationTests;

public sealed class AnomalyReviewApiTests
{
    [Fact]
    public async Task An_anomaly_is_acknowledged_once_commented_and_marked_a_false_alarm_which_becomes_its_learning_label()
    {
        await using var app = new SmartMaintenanceApplication();
        using var admin = app.CreateAdminClient();
        using var viewer = await app.CreateClientWithKeyAsync("viewer");
        using var operatorClient = await app.CreateClientWithKeyAsync("operator");
        await PumpSignal.InjectSpikeAsync(app, admin);
        var anomaly = await PumpSignal.PollAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/anomalies?sensor_id=pump-1-temp");
            return list.GetArrayLength() > 0 ? list[0] : (JsonElement?)null;
        }, "anomaly");
        var id = anomaly.GetProperty("anomaly_id").GetString();
        var url = $"/api/v1/anomalies/{id}";

        await (await viewer.PostAsync($"{url}/acknowledge", null)).ProblemAsync(HttpStatusCode.Forbidden);
        var acknowledged = await (await operatorClient.PostAsync($"{url}/acknowledge", null)).ReadJsonAsync();
        Assert.Equal("acknowledged", acknowledged.GetProperty("kind").GetString());
        var again = await (await admin.PostAsync($"{url}/acknowledge", null)).ReadJsonAsync();
        Assert.Equal(acknowledged.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        Assert.Equal(acknowledged.GetProperty("actor").GetString(), again.GetProperty("actor").GetString());

        var empty = await (await operatorClient.PostAsJsonAsync($"{url}/comments", new { text = "  " })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("text must not be empty", empty.GetProperty("detail").GetString());
        (await operatorClient.PostAsJsonAsync($"{url}/comments", new { text = "Checked on site: a technician knocked the probe." })).EnsureSuccessStatusCode();
        await (await operatorClient.PutAsJsonAsync($"{url}/label", new { label = (string?)null })).ProblemAsync(HttpStatusCode.BadRequest);
        var marked = await (await operatorClient.PutAsJsonAsync($"{url}/label", new { label = "false_alarm", comment = "probe knocked" })).ReadJsonAsync();
        Assert.Equal("marked_false_alarm", marked.GetProperty("kind").GetString());

        var notes = await viewer.GetFromJsonAsync<JsonElement>($"{url}/notes");
        Assert.Equal(["acknowledged", "comment", "marked_false_alarm"], notes.EnumerateArray().Select(n => n.GetProperty("kind").GetString()));
        var label = Assert.Single((await viewer.GetFromJsonAsync<JsonElement>("/api/v1/learning/labels")).EnumerateArray());
        Assert.Equal((id, "false_alarm", "probe knocked"),
            (label.GetProperty("anomaly_id").GetString(), label.GetProperty("label").GetString(), label.GetProperty("comment").GetString()));
        Assert.Equal(JsonValueKind.Null, label.GetProperty("work_order_id").ValueKind);
        Assert.StartsWith("key:", label.GetProperty("labelled_by").GetString());

        var story = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?correlation_id={anomaly.GetProperty("correlation_id").GetString()}");
        Assert.Equal(3, story.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "AnomalyReviewed"));

        await (await admin.PostAsync($"/api/v1/anomalies/{Guid.NewGuid()}/acknowledge", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/v1/anomalies/{Guid.NewGuid()}/notes")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
