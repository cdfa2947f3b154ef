using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

using SmartMaintenance.Domain;
using SmartMaintenance.Security;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Server.Hosting;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>Reports the Reporting agent wrote (today: each closed case's report) and the Learning agent's labels.</summary>
internal static class ReportsApi
{
    public const string Sha256Header = "X-Content-SHA256";

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiArea("Reports", scope: Scopes.DataRead);

        group.MapGet("/reports", ListAsync).WithName("ListReports").WithSummary("Reports, newest first; case_id for one case's");
        group.MapGet("/reports/{reportId:guid}", GetAsync).WithName("GetReport")
            .WithSummary($"The report body as written, with its SHA-256 in {Sha256Header}");
        group.MapGet("/learning/labels", async (HttpContext c, ILabelStore labels) =>
            TypedResults.Ok(await labels.ListAsync(c.User.TenantIdOf(), PageLimit.MaxSize, c.RequestAborted)))
            .WithName("ListOutcomeLabels").WithSummary("Anomalies labelled true or false alarm by completed maintenance");
        return app;
    }

    private static async Task<Results<Ok<IEnumerable<ReportSummary>>, ProblemHttpResult>> ListAsync(
        HttpContext context, IReportStore reports, [FromQuery(Name = "case_id")] Guid? caseId, [AsParameters] PageLimit page)
    {
        if (page.Invalid() is { } invalid)
        {
            return invalid;
        }

        var found = await reports.ListAsync(context.User.TenantIdOf(), caseId?.ToString(), page.Size, context.RequestAborted);
        return TypedResults.Ok(found.Select(r => new ReportSummary(r.ReportId, r.Kind, r.Subject, r.CreatedAt, r.Sha256)));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(HttpContext context, IReportStore reports, Guid reportId)
    {
        if (await reports.FindAsync(context.User.TenantIdOf(), reportId, context.RequestAborted) is not { } report)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "Unknown report", $"No report '{reportId}' in this tenant.");
        }

        context.Response.Headers[Sha256Header] = report.Sha256;
        return TypedResults.Text(report.Body, "application/json");
    }
}

public sealed record ReportSummary(Guid ReportId, string Kind, string Subject, DateTimeOffset CreatedAt, string Sha256);
