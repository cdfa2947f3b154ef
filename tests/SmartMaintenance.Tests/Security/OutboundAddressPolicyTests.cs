using System.Net;
using System.Net.Sockets;

using SmartMaintenance.Security;

namespace SmartMaintenance.Tests.Security;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.0.0.5")]
    [InlineData("172.16.3.4")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void Loopback_private_link_local_and_reserved_addresses_are_refused(string address) =>
        Assert.False(OutboundAddressPolicy.PublicOnly.Allows(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(OutboundAddressPolicy.PublicOnly.Allows(IPAddress.Parse(address)));

    [Fact]
    public void Networks_a_self_hoster_allows_are_allowed_and_nothing_else_private()
    {
        var policy = OutboundAddressPolicy.Parse("10.20.0.0/16, 127.0.0.1/32", out var problem)!;

        Assert.Null(problem);
        Assert.True(policy.Allows(IPAddress.Parse("10.20.1.2")));
        Assert.True(policy.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.False(policy.Allows(IPAddress.Parse("10.21.1.2")));
        Assert.False(policy.Allows(IPAddress.Parse("127.0.0.2")));
        Assert.Null(OutboundAddressPolicy.Parse("10.0.0.0/8,intranet", out problem));
        Assert.Contains("intranet", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:8080/api/v1/readings")]
    [InlineData("http://[::1]/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://127.1/")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("ftp://93.184.216.34/")]
    public async Task A_url_that_leads_to_a_refused_address_is_refused_saying_why(string url)
    {
        var refusal = await OutboundAddressPolicy.PublicOnly.RefusalAsync(new Uri(url), default);

        Assert.NotNull(refusal);
    }

    [Fact]
    public async Task A_public_address_is_not_refused() =>
        Assert.Null(await OutboundAddressPolicy.PublicOnly.RefusalAsync(new Uri("https://93.184.216.34/hook"), default));

    [Fact]
    public async Task The_handler_does_not_connect_to_a_refused_address_and_connects_where_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook");

        using (var refusing = new HttpClient(OutboundAddressPolicy.PublicOnly.CreateHandler()))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.PostAsync(url, new StringContent("{}")));
            Assert.Contains("Refused to connect", error.ToString(), StringComparison.Ordinal);
        }

        Assert.False(listener.Pending());
        using var allowing = new HttpClient(OutboundAddressPolicy.Parse("127.0.0.1/32", out _)!.CreateHandler()) { Timeout = TimeSpan.FromSeconds(5) };
        var sending = allowing.PostAsync(url, new StringContent("{}"));
        using (var accepted = await listener.AcceptTcpClientAsync())
        {
            Assert.True(accepted.Connected);
        }

        // The listener speaks no HTTP: closing the connection fails the request, which only shows it got through.
        await Assert.ThrowsAsync<HttpRequestException>(() => sending);
    }
}
