using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using SmartMaintenance.Domain;
using SmartMaintenance.Storage;

namespace SmartMaintenance.Agents.Notification;

/// <summary>Pushes events to people watching live (the host's SignalR hub).</summary>
public interface ILiveEventPublisher
{
    Task PublishAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>
/// The original system's Notification agent (both roles: the core one and the decision-side one, merged here because
/// they did the same thing for different events). Takes every audit entry off the feed, pushes it live, and delivers
/// it to the tenant's webhooks that want it — signed, retried with backoff, each attempt series logged. With several
/// nodes, every node pushes every entry to its own live connections, and only the node that appended an entry
/// delivers it to webhooks: each webhook gets an event once, whichever node the event happened on.
/// </summary>
public sealed class NotificationAgent(
    AuditFeed feed, ILiveEventPublisher live, IWebhookStore webhooks, HttpClient http, TimeProvider time, ILogger<NotificationAgent> logger)
    : BackgroundService
{
    public const string SignatureHeader = "X-SMX-Signature";
    public const string EventHeader = "X-SMX-Event";
    public const string DeliveryHeader = "X-SMX-Delivery";
    private const int Attempts = 4;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    private readonly Channel<(AuditEntry Entry, bool AppendedHere)> _queue = Channel.CreateBounded<(AuditEntry, bool)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>The webhook body: the audit entry as the audit API shows it.</summary>
    public static byte[] BodyOf(AuditEntry entry) => AuditEntryView.Of(entry).ToUtf8Json();

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of the body under the webhook's secret.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private IDisposable? _subscription;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Live pushes must not wait for a slow webhook: entries queue here and leave the appending agent at once.
        _subscription = feed.Subscribe((entry, appendedHere) => _queue.Writer.TryWrite((entry, appendedHere)));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (entry, appendedHere) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await live.PublishAsync(entry, stoppingToken);
                if (!appendedHere)
                {
                    continue;
                }

                foreach (var hook in (await webhooks.ListAsync(entry.TenantId, stoppingToken)).Where(h => h.Wants(entry.Type)))
                {
                    _ = DeliverAsync(hook, entry, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Notifying entry {Sequence} ({Type}) failed", entry.Sequence, entry.Type);
            }
        }
    }

    private async Task DeliverAsync(Webhook hook, AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await TryDeliverAsync(hook, entry, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Delivering event {Sequence} to webhook {WebhookId} failed", entry.Sequence, hook.Id);
        }
    }

    private async Task TryDeliverAsync(Webhook hook, AuditEntry entry, CancellationToken cancellationToken)
    {
        var body = BodyOf(entry);
        var delay = FirstRetry;
        int? status = null;
        string? error = null;
        var attempt = 0;
        while (++attempt <= Attempts)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add(EventHeader, entry.Type);
                request.Headers.Add(DeliveryHeader, $"{hook.Id}-{entry.Sequence}");
                request.Headers.Add(SignatureHeader, Sign(hook.Secret, body));
                using var response = await http.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    error = null;
                    break;
                }

                error = $"HTTP {status}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = ex.Message;
            }

            if (attempt < Attempts)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay *= 4;
            }
        }

        await webhooks.RecordDeliveryAsync(new WebhookDelivery(0, hook.Id, entry.Sequence, entry.Type, status, Math.Min(attempt, Attempts),
            error, time.GetUtcNow()), CancellationToken.None);
        if (error is not null)
        {
            logger.LogWarning("Webhook {WebhookId} did not take event {Sequence} after {Attempts} attempts: {Error}", hook.Id, entry.Sequence, Attempts, error);
        }
    }
}
