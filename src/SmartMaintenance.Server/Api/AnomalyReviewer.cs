using System.Security.Claims;

using SmartMaintenance.Agents;
using SmartMaintenance.Domain;
using SmartMaintenance.Server.Auth;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Server.Api;

/// <summary>What a review action came to: done, the anomaly not found, or the request refused (with why).</summary>
internal enum ReviewOutcome { Done, UnknownAnomaly, Invalid }

internal sealed record ReviewResult(ReviewOutcome Outcome, AnomalyNote? Note = null, string? Error = null);

/// <summary>
/// People's review of an anomaly, for the API and the anomaly page alike: acknowledging it (once — a second
/// acknowledgement answers the first), commenting on it, and marking it a true or a false alarm, which writes the
/// learning label (who and why, no work order) that completed maintenance would otherwise write. Each action is a note
/// on the anomaly and an audit entry under the anomaly's correlation id, so its story shows who did what.
/// </summary>
internal sealed class AnomalyReviewer(IAnomalyStore anomalies, IAnomalyNoteStore notes, ILabelStore labels, IEventLog audit, TimeProvider time)
{
    public const int MaxCommentLength = 2000;

    public async Task<ReviewResult> AcknowledgeAsync(ClaimsPrincipal user, long tenantId, Guid anomalyId, CancellationToken cancellationToken)
    {
        if (await anomalies.FindAsync(tenantId, anomalyId, cancellationToken) is not { } anomaly)
        {
            return new ReviewResult(ReviewOutcome.UnknownAnomaly);
        }

        var acknowledged = await notes.AcknowledgementsAsync(tenantId, [anomalyId], cancellationToken);
        if (acknowledged.TryGetValue(anomalyId, out var first))
        {
            return new ReviewResult(ReviewOutcome.Done, first);
        }

        return await NoteAsync(user, tenantId, anomaly, AnomalyNoteKind.Acknowledged, null, "acknowledged", null, cancellationToken);
    }

    public async Task<ReviewResult> CommentAsync(ClaimsPrincipal user, long tenantId, Guid anomalyId, string? text, CancellationToken cancellationToken)
    {
        if (Invalid(text, "text", required: true) is { } error)
        {
            return new ReviewResult(ReviewOutcome.Invalid, Error: error);
        }

        return await anomalies.FindAsync(tenantId, anomalyId, cancellationToken) is { } anomaly
            ? await NoteAsync(user, tenantId, anomaly, AnomalyNoteKind.Comment, text!.Trim(), "commented", null, cancellationToken)
            : new ReviewResult(ReviewOutcome.UnknownAnomaly);
    }

    /// <summary>Marks the anomaly a true or a false alarm: the learning label, a note and an audit entry.</summary>
    public async Task<ReviewResult> LabelAsync(ClaimsPrincipal user, long tenantId, Guid anomalyId, AnomalyOutcome outcome, string? reason,
        CancellationToken cancellationToken)
    {
        if (Invalid(reason, "comment", required: false) is { } error)
        {
            return new ReviewResult(ReviewOutcome.Invalid, Error: error);
        }

        if (await anomalies.FindAsync(tenantId, anomalyId, cancellationToken) is not { } anomaly)
        {
            return new ReviewResult(ReviewOutcome.UnknownAnomaly);
        }

        var comment = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        await labels.SaveAsync([new AnomalyLabel(anomalyId, tenantId, outcome, null, time.GetUtcNow(), user.ActorOf(), comment)], cancellationToken);
        var kind = outcome == AnomalyOutcome.FalseAlarm ? AnomalyNoteKind.MarkedFalseAlarm : AnomalyNoteKind.MarkedTrueAlarm;
        return await NoteAsync(user, tenantId, anomaly, kind, comment, "labelled", outcome, cancellationToken);
    }

    private async Task<ReviewResult> NoteAsync(ClaimsPrincipal user, long tenantId, Anomaly anomaly, AnomalyNoteKind kind, string? text,
        string action, AnomalyOutcome? label, CancellationToken cancellationToken)
    {
        var note = await notes.AddAsync(tenantId, new AnomalyNote(0, anomaly.AnomalyId, kind, user.ActorOf(), text, time.GetUtcNow()), cancellationToken);
        await audit.RecordAsync(tenantId, AgentEventTypes.AnomalyReviewed, anomaly.CorrelationId, user.ActorOf(),
            new AnomalyReviewed(anomaly.AnomalyId, anomaly.SensorId, anomaly.AssetId, action, label, text));
        return new ReviewResult(ReviewOutcome.Done, note);
    }

    private static string? Invalid(string? text, string field, bool required) =>
        required && string.IsNullOrWhiteSpace(text) ? $"{field} must not be empty."
        : text is { Length: > MaxCommentLength } ? $"{field} is limited to {MaxCommentLength} characters."
        : null;
}
