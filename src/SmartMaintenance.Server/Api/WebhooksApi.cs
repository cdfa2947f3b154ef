using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

using Microsoft.AspNetCore.Http.HttpResults;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Webhooks: a tenant's admins subscribe URLs to audit events; deliveries are signed and logged.</summary>
internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Webhooks", "/webhooks", scope: Scopes.Admin);

        group.MapPost("/", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Subscribes a URL to events (all when event_types is empty); the signing secret is shown once");
        group.MapGet("/", async (HttpContext c, IWebhookStore s) =>
            TypedResults.Ok((await s.ListAsync(c.User.TenantIdOf(), c.RequestAborted)).Select(w => WebhookResponse.From(w, null))))
            .WithName("ListWebhooks").WithSummary("The tenant's webhooks, without their secrets");
        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (HttpContext c, IWebhookStore s, long id) =>
            await s.DeleteAsync(c.User.TenantIdOf(), id, c.RequestAborted)
                ? TypedResults.NoContent()
                : Problems.Result(StatusCodes.Status404NotFound, "Unknown webhook", $"No webhook {id} in this tenant."))
            .WithName("DeleteWebhook").WithSummary("Stop delivering events to a webhook");
        group.MapGet("/{id:long}/deliveries", async (HttpContext c, IWebhookStore s, long id) =>
            TypedResults.Ok(await s.ListDeliveriesAsync(c.User.TenantIdOf(), id, 100, c.RequestAborted)))
            .WithName("ListWebhookDeliveries").WithSummary("The last 100 delivery attempt series, newest first");
        return app;
    }

    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, IWebhookStore store, OutboundAddressPolicy policy, TimeProvider time, WebhookInput body)
    {
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Invalid url", "url must be an absolute http or https address.");
        }

        if (await policy.RefusalAsync(url, context.RequestAborted) is { } refusal)
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "Webhook target not allowed", $"url: {refusal}");
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var created = await store.AddAsync(new Webhook(0, context.User.TenantIdOf(), url, secret, body.EventTypes ?? [], time.GetUtcNow()),
            context.RequestAborted);
        return TypedResults.Created($"/api/v1/webhooks/{created.Id}", WebhookResponse.From(created, secret));
    }
}

public sealed record WebhookInput([property: Required, StringLength(2000)] string Url, IReadOnlyList<string>? EventTypes);

/// <summary>A webhook as the API shows it; <see cref="Secret"/> only in the response that created it.</summary>
public sealed record WebhookResponse(long Id, Uri Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt, string? Secret)
{
    public static WebhookResponse From(Webhook w, string? secret) => new(w.Id, w.Url, w.EventTypes, w.CreatedAt, secret);
}
