using System.Text.Json;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>The audit trail: a tenant's events (a case's whole story by correlation id) and the chain's verification.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Audit", "/audit", scope: Scopes.DataRead);

        group.MapGet("/", ListAsync).WithName("ListAuditEntries")
            .WithSummary("Audit entries in append order; filter by correlation_id, page with after (the last sequence seen)");
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditTrail")
            .WithSummary("Re-computes the hash chain; names the first entry that was altered, removed or reordered");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ListAsync(
        HttpContext context, IEventLog events, [FromQuery(Name = "correlation_id")] string? correlationId, long? after, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } invalid)
        {
            return invalid;
        }

        var take = page.Size;
        var entries = await events.ListAsync(context.User.TenantIdOf(), correlationId, after ?? 0, take, context.RequestAborted);
        var items = entries.Select(AuditEntryView.Of).ToList();
        return TypedResults.Ok(new AuditPage(items, items.Count == take ? items[^1].Sequence : null));
    }

    private static async Task<Ok<AuditVerificationResponse>> VerifyAsync(HttpContext context, IEventLog events)
    {
        // Platform admins check the whole trail; anyone else sees their own tenant's share of it.
        var result = await events.VerifyAsync(context.User.IsPlatformAdmin() ? null : context.User.TenantIdOf(), context.RequestAborted);
        return TypedResults.Ok(new AuditVerificationResponse(result.Valid, result.Checked, result.BrokenSequence, result.Problem));
    }
}

public sealed record AuditPage(IReadOnlyList<AuditEntryView> Entries, long? NextAfter);

public sealed record AuditVerificationResponse(bool Valid, long Checked, long? BrokenSequence, string? Problem);
