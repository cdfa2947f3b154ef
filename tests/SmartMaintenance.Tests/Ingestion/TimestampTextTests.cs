using System.Text;

using SmartMaintenance.Ingestion;

namespace SmartMaintenance.Tests.Ingestion;

public class TimestampTextTests
{
    [Theory]
    [InlineData("2026-11-25T10:00:00Z", true)]
    [InlineData("2026-11-25T10:00:00.123z", true)]
    [InlineData("2026-11-25T10:00:00+01:00", true)]
    [InlineData("2026-11-25T10:00:00-0530", true)]
    [InlineData("2026-11-25T10:00:00+01", true)]
    [InlineData("2026-11-25T10:00:00", false)]
    [InlineData("2026-11-25", false)]
    [InlineData("2026-11-25T10:00:00.123", false)]
    [InlineData("", false)]
    public void Offset_is_detected_in_chars_and_utf8(string text, bool expected)
    {
        Assert.Equal(expected, TimestampText.HasOffset(text.AsSpan()));
        Assert.Equal(expected, TimestampText.HasOffset<byte>(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("°C", "degC", true)]
    [InlineData("A", "amps", true)]
    [InlineData("mm/s", "MM/S", true)]
    [InlineData("°C", "°F", false)]
    [InlineData("bar", "", true)]
    public void Unit_spellings_match(string a, string b, bool expected) => Assert.Equal(expected, UnitNames.Match(a, b));
}
