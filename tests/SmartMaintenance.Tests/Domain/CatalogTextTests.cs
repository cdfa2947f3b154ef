using SmartMaintenance.Domain;

namespace SmartMaintenance.Tests.Domain;

public sealed class CatalogTextTests
{
    [Theory]
    [InlineData("pump-1.temp:a_b", true)]
    [InlineData("7", true)]
    [InlineData("", false)]
    [InlineData("-pump", false)]
    [InlineData("pump 1", false)]
    [InlineData("pump-1\n", false)]
    [InlineData("pump\u00001", false)]
    [InlineData("é", false)]
    public void An_id_is_a_letter_or_digit_then_letters_digits_and_dot_underscore_colon_dash(string text, bool expected) =>
        Assert.Equal(expected, CatalogText.IsId(text));

    [Fact]
    public void An_id_holds_at_most_128_characters() =>
        Assert.Equal((true, false), (CatalogText.IsId(new string('a', 128)), CatalogText.IsId(new string('a', 129))));
}
