using Microsoft.AspNetCore.Components;

using SmartMaintenance.Server.Components.Ui;

namespace SmartMaintenance.Server.Components;

/// <summary>
/// A page that shows one tenant's data, optionally narrowed to a site (<see cref="UiScope"/>): it reads
/// <see cref="TenantId"/> and loads again in <see cref="OnScopeChangedAsync"/> when the person picks another.
/// </summary>
public abstract class ScopedPage : ComponentBase, IDisposable
{
    [Inject]
    protected UiScope Scope { get; set; } = default!;

    protected long TenantId => Scope.TenantId;

    protected override void OnInitialized() => Scope.Changed += ScopeChangedAsync;

    /// <summary>Loads the page's data again for the new tenant or site.</summary>
    protected virtual Task OnScopeChangedAsync() => Task.CompletedTask;

    private Task ScopeChangedAsync() => InvokeAsync(async () =>
    {
        await OnScopeChangedAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Scope.Changed -= ScopeChangedAsync;
        }
    }
}
