using System.Net;
using System.Net.Sockets;

namespace SmartMaintenance.Security;

/// <summary>
/// Where the platform may send requests on a tenant's behalf (webhooks): public internet addresses only, unless a
/// self-hoster allows networks of their own (<c>SMX_WEBHOOK_ALLOWED_NETWORKS</c>). Loopback, private, link-local
/// (the cloud metadata service at 169.254.169.254), shared, multicast and reserved ranges are refused, IPv4 ones also
/// when written as IPv6. The check runs when a URL is registered and again on every connection, so a name that
/// resolves elsewhere later, or a redirect, cannot reach an address the policy refuses.
/// </summary>
public sealed class OutboundAddressPolicy(IReadOnlyList<IPNetwork> allowed)
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Public addresses only.</summary>
    public static OutboundAddressPolicy PublicOnly { get; } = new([]);

    /// <summary>
    /// The policy for a comma-separated list of networks allowed beside the public internet (<c>10.0.0.0/8</c>,
    /// <c>127.0.0.1/32</c>, <c>fd00::/8</c>); null and a problem when an entry is not a network.
    /// </summary>
    public static OutboundAddressPolicy? Parse(string? networks, out string? problem) =>
        NetworkList.Parse(networks, out problem) is { } list ? new OutboundAddressPolicy(list) : null;

    /// <summary>Whether a request may go to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in allowed)
        {
            if (network.Contains(plain))
            {
                return true;
            }
        }

        foreach (var network in Refused)
        {
            if (network.Contains(plain))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Why <paramref name="url"/> may not be a target (null when it may): not http(s), a name that does not resolve, or
    /// any address it resolves to that the policy refuses.
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            return "url must be an absolute http or https address.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.DnsSafeHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"the host '{url.DnsSafeHost}' does not resolve.";
        }

        var refused = addresses.FirstOrDefault(a => !Allows(a));
        return addresses.Length == 0 ? $"the host '{url.DnsSafeHost}' does not resolve."
            : refused is not null ? $"'{url.DnsSafeHost}' is {refused}, a loopback, private, link-local or reserved address; webhooks go to public addresses (a self-hoster may allow networks with SMX_WEBHOOK_ALLOWED_NETWORKS)."
            : null;
    }

    /// <summary>
    /// A handler that connects only to addresses the policy allows (each connection, after name resolution), follows
    /// no redirects, and recycles pooled connections every two minutes so it follows DNS changes.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        // A receiver that hangs holds at most this many connections; later deliveries wait their turn within their
        // timeout instead of opening sockets without end.
        MaxConnectionsPerServer = 8,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var target = (await ResolveAsync(host, cancellationToken)).FirstOrDefault(Allows)
                ?? throw new HttpRequestException($"Refused to connect to '{host}': it resolves only to addresses outbound requests may not reach.");
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
}
