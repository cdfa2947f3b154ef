using System.Globalization;
using System.Security.Claims;

using SmartMaintenance.Domain;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Components.Ui;

/// <summary>
/// What a signed-in person is looking at, per circuit: the tenant (their own; platform admins may pick any) and
/// optionally one site. Pages read <see cref="TenantId"/> instead of the user's claim and filter with
/// <see cref="InSite"/>; <see cref="Changed"/> tells them to load again. The choice survives reloads in two cookies,
/// which are honoured only as far as the user's rights go.
/// </summary>
public sealed class UiScope(ICatalogStore catalog)
{
    public const string TenantCookie = "smx_tenant";
    public const string SiteCookie = "smx_site";
    public const string ThemeCookie = "smx_theme";

    private HashSet<string>? _assetsInSite;

    public bool Ready { get; private set; }

    /// <summary>Whether the person chose the dark theme (cookie <see cref="ThemeCookie"/>, any page, signed in or not).</summary>
    public bool DarkTheme { get; set; }

    public long TenantId { get; private set; }
    public string? SiteId { get; private set; }
    public bool CanSwitchTenant { get; private set; }
    public IReadOnlyList<Tenant> Tenants { get; private set; } = [];
    public IReadOnlyList<Site> Sites { get; private set; } = [];

    /// <summary>Raised after the tenant or site changed; handlers run on the circuit's dispatcher via InvokeAsync.</summary>
    public event Func<Task>? Changed;

    public async Task InitializeAsync(ClaimsPrincipal user, string? tenantCookie, string? siteCookie, CancellationToken cancellationToken)
    {
        TenantId = user.TenantIdOf();
        CanSwitchTenant = user.IsPlatformAdmin();
        if (CanSwitchTenant)
        {
            Tenants = await catalog.ListTenantsAsync(cancellationToken);
            if (long.TryParse(tenantCookie, NumberStyles.None, CultureInfo.InvariantCulture, out var chosen) && Tenants.Any(t => t.Id == chosen))
            {
                TenantId = chosen;
            }
        }

        await LoadSitesAsync(siteCookie, cancellationToken);
        Ready = true;
    }

    /// <summary>True when the asset belongs to the chosen site, or when no site is chosen.</summary>
    public bool InSite(string? assetId) => _assetsInSite is null || (assetId is not null && _assetsInSite.Contains(assetId));

    public async Task SetTenantAsync(long tenantId, CancellationToken cancellationToken)
    {
        if (!CanSwitchTenant || tenantId == TenantId || Tenants.All(t => t.Id != tenantId))
        {
            return;
        }

        TenantId = tenantId;
        await LoadSitesAsync(null, cancellationToken);
        await RaiseAsync();
    }

    public async Task SetSiteAsync(string? siteId, CancellationToken cancellationToken)
    {
        if (siteId == SiteId)
        {
            return;
        }

        await LoadSitesAsync(siteId, cancellationToken);
        await RaiseAsync();
    }

    private async Task LoadSitesAsync(string? siteId, CancellationToken cancellationToken)
    {
        Sites = await catalog.ListSitesAsync(TenantId, cancellationToken);
        SiteId = siteId is not null && Sites.Any(s => s.SiteId == siteId) ? siteId : null;
        _assetsInSite = SiteId is null
            ? null
            : [.. (await catalog.ListAssetsAsync(TenantId, SiteId, cancellationToken)).Select(a => a.AssetId)];
    }

    private async Task RaiseAsync()
    {
        if (Changed is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
