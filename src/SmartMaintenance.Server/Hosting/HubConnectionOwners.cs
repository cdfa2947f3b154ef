using System.Text.Json;

using Microsoft.Extensions.Caching.Memory;

using SmartMaintenance.Server.Api;
using SmartMaintenance.Server.Auth;

namespace SmartMaintenance.Server.Hosting;

/// <summary>
/// Binds each SignalR connection of a hub to the principal that negotiated it. SignalR's connection token alone lets
/// any authenticated caller poll, send on or close a long-polling or server-sent-events connection (a key of another
/// tenant did so in a probe); here a request that names a connection it did not negotiate gets a 404, as an unknown
/// connection would.
/// </summary>
internal static class HubConnectionOwners
{
    // A long-polling client polls at least every 100 s; an idle entry outlives that many times over.
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    public static IApplicationBuilder UseHubConnectionOwners(this IApplicationBuilder app, PathString hub)
    {
        var owners = new MemoryCache(new MemoryCacheOptions());
        // Unauthenticated requests pass on: the hub's own authorization answers them.
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(hub, out var rest) || context.User.Identity?.IsAuthenticated != true)
            {
                await next(context);
                return;
            }

            var owner = $"{context.User.TenantIdOf()}/{context.User.ActorOf()}";
            if (rest == "/negotiate")
            {
                await NegotiateAsync(context, next, owners, owner);
                return;
            }

            if (context.Request.Query["id"] is { Count: 1 } ids && owners.TryGetValue(ids[0]!, out string? known) && known != owner)
            {
                await Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown connection", "No connection with this id was opened by this key or user.");
                return;
            }

            await next(context);
        });
    }

    private static async Task NegotiateAsync(HttpContext context, RequestDelegate next, MemoryCache owners, string owner)
    {
        // The negotiation's answer is a small JSON object holding the connection's id and token: read them on the way out.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && buffer.Length > 0)
        {
            using var answer = JsonDocument.Parse(buffer.ToArray());
            foreach (var name in (string[])["connectionToken", "connectionId"])
            {
                if (answer.RootElement.TryGetProperty(name, out var id) && id.GetString() is { } value)
                {
                    owners.Set(value, owner, new MemoryCacheEntryOptions { SlidingExpiration = Idle });
                }
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
