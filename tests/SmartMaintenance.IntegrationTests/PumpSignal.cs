using System.Globalization;
using System.Net;
using System.Text;

namespace SmartMaintenance.IntegrationTests;

/// <summary>Readings of the seeded sensor pump-1-temp, one a second from two hours ago, for tests of the agents.</summary>
internal static class PumpSignal
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());

    /// <summary>A calm, smooth signal around 40 °C.</summary>
    public static double Normal(int second) => 40 + (0.5 * Math.Sin(second * 0.7)) + (0.3 * Math.Cos(second * 1.3));

    /// <summary>A JSON batch of <paramref name="count"/> readings from second <paramref name="from"/>, values by second.</summary>
    public static StringContent Batch(int from, int count, Func<int, double> value)
    {
        var json = new StringBuilder("[");
        for (var i = from; i < from + count; i++)
        {
            json.Append(CultureInfo.InvariantCulture,
                $$"""{"sensor_id":"pump-1-temp","timestamp":"{{T0.AddSeconds(i):O}}","value":{{value(i).ToString("R", CultureInfo.InvariantCulture)}}},""");
        }

        json[^1] = ']';
        return new StringContent(json.ToString(), Encoding.UTF8, "application/json");
    }

    public static async Task PostAsync(HttpClient client, StringContent batch) =>
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/readings", batch)).StatusCode);

    /// <summary>Five minutes of calm, then one reading at 95 °C: a fault the agents must act on.</summary>
    public static async Task InjectSpikeAsync(SmartMaintenanceApplication app, HttpClient client)
    {
        await app.SeedSensorAsync();
        await PostAsync(client, Batch(0, 300, Normal));
        await PostAsync(client, Batch(300, 1, _ => 95));
    }

    /// <summary>Asks every 250 ms until the condition holds, for up to 30 s (or <paramref name="seconds"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {seconds} s: {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>Agents act after readings are acknowledged: asks until the probe finds something, for up to 30 s (or <paramref name="seconds"/>).</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T?>> probe, string what, Func<string>? lastSeen = null, int seconds = 30)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {what} within {seconds} s. {lastSeen?.Invoke()}");
            await Task.Delay(100);
        }
    }
}
