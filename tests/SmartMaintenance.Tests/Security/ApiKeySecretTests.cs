using SmartMaintenance.Security;

namespace SmartMaintenance.Tests.Security;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void A_hint_shows_a_generated_secrets_prefix_and_never_more_than_a_quarter_of_a_chosen_one()
    {
        var generated = ApiKeySecret.Create();

        Assert.Equal(generated[..10], ApiKeySecret.Hint(generated));
        Assert.Equal("change", ApiKeySecret.Hint("change-me-admin-key-0001"));
        Assert.Equal("abcd", ApiKeySecret.Hint("abcdefghijklmnop"));
    }
}
