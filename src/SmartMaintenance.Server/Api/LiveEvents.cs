using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

using SmartMaintenance.Agents.Notification;
using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;

namespace SmartMaintenance.Server.Api;

/// <summary>
/// Live events for API clients over SignalR (<c>/hubs/events</c>, authenticated with <c>X-API-Key</c>): each connection
/// joins its tenant's group and receives every audit entry of that tenant as an <c>event</c> message.
/// </summary>
[Authorize(Policy = Scopes.DataRead)]
internal sealed class EventsHub : Hub
{
    public static string GroupOf(long tenantId) => $"tenant:{tenantId}";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(Context.User!.TenantIdOf()));
        await base.OnConnectedAsync();
    }
}

/// <summary>Sends each audit entry to its tenant's live connections as the audit API shows it (<see cref="AuditEntryView"/>).</summary>
internal sealed class SignalRLiveEventPublisher(IHubContext<EventsHub> hub) : ILiveEventPublisher
{
    public Task PublishAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        hub.Clients.Group(EventsHub.GroupOf(entry.TenantId)).SendAsync("event", AuditEntryView.Of(entry), cancellationToken);
}
