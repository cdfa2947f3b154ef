using System.Net;

namespace SmartMaintenance.Security;

/// <summary>A setting that lists networks, comma-separated (<c>10.0.0.0/8, fd00::/8</c>), read one way everywhere.</summary>
public static class NetworkList
{
    /// <summary>The networks, or null and a problem when an entry is not a network.</summary>
    public static IReadOnlyList<IPNetwork>? Parse(string? networks, out string? problem)
    {
        problem = null;
        var list = new List<IPNetwork>();
        foreach (var entry in (networks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(entry, out var network))
            {
                problem = $"'{entry}' is not a network such as 10.0.0.0/8 or fd00::/8.";
                return null;
            }

            list.Add(network);
        }

        return list;
    }
}
