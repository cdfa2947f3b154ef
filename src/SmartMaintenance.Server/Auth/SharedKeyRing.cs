using System.Xml;
using System.Xml.Linq;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Auth;

/// <summary>
/// ASP.NET Core Data Protection — what the sign-in cookie, antiforgery tokens and Blazor's circuits are protected
/// with — keeping its key ring in the platform's database instead of a per-user folder on one machine: every node on
/// the database accepts what another issued, a restarted or replaced node keeps its sessions, and backups hold the ring.
/// </summary>
internal static class SharedKeyRingExtensions
{
    public const string ApplicationName = "SmartMaintenance";

    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services)
    {
        // Named, because the default name is the content root path: nodes installed in different folders would not
        // read each other's payloads even with one ring.
        services.AddDataProtection().SetApplicationName(ApplicationName);
        // The documented way to plug in a key repository. Keys are not encrypted at rest: on Linux that takes a
        // certificate every node must hold (its own distribution and rotation), and the database is the trust boundary
        // already, as for the API key hashes — restrict who can read it.
        services.AddOptions<KeyManagementOptions>().Configure<IKeyRingStore, TimeProvider>(
            (options, store, time) => options.XmlRepository = new DatabaseXmlRepository(store, time));
        return services;
    }
}

/// <summary>Data Protection's key repository over <see cref="IKeyRingStore"/>.</summary>
internal sealed class DatabaseXmlRepository(IKeyRingStore store, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => [.. store.List().Select(Parse)];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        // A repository's callers may leave the name out; the table still needs a unique one.
        var name = string.IsNullOrWhiteSpace(friendlyName) ? "element-" + Guid.NewGuid().ToString("N") : friendlyName;
        store.Add(new KeyRingElement(name, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow()));
    }

    private static XElement Parse(KeyRingElement element)
    {
        try
        {
            return XElement.Parse(element.Xml);
        }
        catch (XmlException ex)
        {
            throw new InvalidOperationException(
                $"The key ring element '{element.FriendlyName}' in data_protection_keys is not XML ({ex.Message}); restore it from a backup or delete the row (sessions it protects end).",
                ex);
        }
    }
}
