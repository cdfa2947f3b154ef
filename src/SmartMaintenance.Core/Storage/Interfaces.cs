using SmartMaintenance.Domain;
using SmartMaintenance.Security;

namespace SmartMaintenance.Storage;

/// <summary>Durable, append-mostly store of readings and their per-minute and per-hour roll-ups.</summary>
public interface IReadingStore
{
    /// <summary>
    /// Appends readings of one tenant and completes once they are durable. <paramref name="inserted"/> receives,
    /// per reading, false when a reading with the same sensor and timestamp already existed (a duplicate).
    /// Roll-ups count only inserted readings.
    /// </summary>
    Task AppendAsync(long tenantId, ReadOnlyMemory<Reading> readings, Memory<bool> inserted, CancellationToken cancellationToken);

    /// <summary>Newest first, timestamps in [fromMicros, beforeMicros).</summary>
    Task<IReadOnlyList<Reading>> QueryAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken);

    /// <summary>Oldest first, timestamps in [fromMicros, beforeMicros); page on by passing the last timestamp + 1 as from.</summary>
    Task<IReadOnlyList<Reading>> QueryOldestFirstAsync(
        long tenantId, long sensorKey, long fromMicros, long beforeMicros, int limit, CancellationToken cancellationToken);

    /// <summary>Roll-up buckets whose start lies in [fromMicros, toMicros), oldest first.</summary>
    Task<IReadOnlyList<RollupPoint>> SeriesAsync(
        long tenantId, long sensorKey, RollupResolution resolution, long fromMicros, long toMicros, CancellationToken cancellationToken);
}

/// <summary>Tenants, sites, assets and sensors. Every call but tenant management is scoped to one tenant.</summary>
public interface ICatalogStore
{
    Task<Tenant> CreateTenantAsync(string slug, string name, CancellationToken cancellationToken);
    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken);
    Task<Tenant?> FindTenantAsync(long tenantId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Site>> ListSitesAsync(long tenantId, CancellationToken cancellationToken);
    Task<Site?> FindSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken);
    Task<StoreResult> UpsertSiteAsync(long tenantId, Site site, CancellationToken cancellationToken);
    Task<StoreResult> DeleteSiteAsync(long tenantId, string siteId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Asset>> ListAssetsAsync(long tenantId, string? siteId, CancellationToken cancellationToken);
    Task<Asset?> FindAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken);
    Task<StoreResult> UpsertAssetAsync(long tenantId, Asset asset, CancellationToken cancellationToken);
    Task<StoreResult> DeleteAssetAsync(long tenantId, string assetId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Sensor>> ListSensorsAsync(long tenantId, string? assetId, CancellationToken cancellationToken);
    Task<Sensor?> FindSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken);
    /// <summary>Creates or updates the sensor named <see cref="Sensor.SensorId"/>; the key is assigned by the store.</summary>
    Task<(StoreResult Result, Sensor? Sensor)> UpsertSensorAsync(long tenantId, Sensor sensor, CancellationToken cancellationToken);
    /// <summary>Deletes the sensor with its readings and roll-ups.</summary>
    Task<StoreResult> DeleteSensorAsync(long tenantId, string sensorId, CancellationToken cancellationToken);
}

/// <summary>Outcome of a catalog write.</summary>
public enum StoreResult
{
    Created,
    Updated,
    Deleted,
    NotFound,
    /// <summary>A reference is missing (e.g. an asset's site) or the row is still referenced.</summary>
    Conflict,
}

public interface IApiKeyStore
{
    Task<ApiKey> CreateAsync(ApiKey key, string secretHash, CancellationToken cancellationToken);
    Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiKey>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<bool> RevokeAsync(long tenantId, long keyId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A stored response to a batch sent with an <c>Idempotency-Key</c>.</summary>
public sealed record IdempotentResponse(string RequestHash, int StatusCode, string Body);

public interface IIdempotencyStore
{
    Task<IdempotentResponse?> FindAsync(long tenantId, string key, CancellationToken cancellationToken);
    Task SaveAsync(long tenantId, string key, IdempotentResponse response, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Forgets responses saved before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>The append-only, hash-chained audit trail: every agent event and every human decision.</summary>
public interface IEventLog
{
    /// <summary>Appends the events in order, each chained to the one before; returns them as stored.</summary>
    Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>A tenant's entries in append order, optionally only one correlation id's, after a sequence number.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(
        long tenantId, string? correlationId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Re-computes the whole chain and names the first entry that does not hold. For a tenant (not null) it counts that
    /// tenant's entries only and names a broken entry only when it is the tenant's own: the chain is shared, so another
    /// tenant's broken entry makes the trail invalid for everyone but is not described.
    /// </summary>
    Task<AuditVerification> VerifyAsync(long? tenantId, CancellationToken cancellationToken);
}

/// <summary>Filters for listing anomalies; null means any.</summary>
/// <summary>
/// <see cref="Since"/> filters on when an anomaly was detected; <see cref="OccurredFrom"/> and
/// <see cref="OccurredBefore"/> on the time of the reading it was found in (which may lie far back for late data).
/// </summary>
public sealed record AnomalyQuery(
    string? SensorId = null, string? AssetId = null, DateTimeOffset? Since = null, int Limit = 100,
    DateTimeOffset? OccurredFrom = null, DateTimeOffset? OccurredBefore = null);

public interface IAnomalyStore
{
    Task SaveAsync(Anomaly anomaly, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Anomaly>> ListAsync(long tenantId, AnomalyQuery query, CancellationToken cancellationToken);

    Task<Anomaly?> FindAsync(long tenantId, Guid anomalyId, CancellationToken cancellationToken);

    /// <summary>The anomalies completed maintenance labelled with the outcome (<see cref="ILabelStore"/>), oldest first.</summary>
    Task<IReadOnlyList<Anomaly>> ListLabelledAsync(long tenantId, AnomalyOutcome outcome, CancellationToken cancellationToken);

    /// <summary>How many anomalies were detected at or after <paramref name="since"/>, on the given assets when there are any.</summary>
    Task<long> CountSinceAsync(long tenantId, DateTimeOffset since, IReadOnlyCollection<string>? assetIds, CancellationToken cancellationToken);
}

public interface IPredictionStore
{
    Task SaveAsync(Prediction prediction, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally for one asset.</summary>
    Task<IReadOnlyList<Prediction>> ListAsync(long tenantId, string? assetId, int limit, CancellationToken cancellationToken);

    Task<Prediction?> FindAsync(long tenantId, Guid predictionId, CancellationToken cancellationToken);
}

/// <summary>Cases (the queryable copy of the case grains' state), decisions and work orders.</summary>
public interface IMaintenanceStore
{
    Task SaveCaseAsync(MaintenanceCase maintenanceCase, CancellationToken cancellationToken);
    Task<MaintenanceCase?> FindCaseAsync(long tenantId, Guid caseId, CancellationToken cancellationToken);

    /// <summary>Most recently changed first; null filters mean any.</summary>
    Task<IReadOnlyList<MaintenanceCase>> ListCasesAsync(
        long tenantId, IReadOnlyCollection<CaseState>? states, string? assetId, int limit, CancellationToken cancellationToken);

    /// <summary>Cases of every tenant whose decision is overdue or whose deferral has ended, oldest first.</summary>
    Task<IReadOnlyList<Guid>> ListDueCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task SaveDecisionAsync(Decision decision, CancellationToken cancellationToken);
    Task<IReadOnlyList<Decision>> ListDecisionsAsync(long tenantId, Guid? caseId, int limit, CancellationToken cancellationToken);

    Task SaveWorkOrderAsync(WorkOrder workOrder, CancellationToken cancellationToken);
    Task<WorkOrder?> FindWorkOrderAsync(long tenantId, Guid workOrderId, CancellationToken cancellationToken);
    Task<IReadOnlyList<WorkOrder>> ListWorkOrdersAsync(long tenantId, WorkOrderStatus? status, int limit, CancellationToken cancellationToken);
}

public interface IDeadLetterStore
{
    Task<DeadLetter> AddAsync(DeadLetter letter, CancellationToken cancellationToken);
    Task<IReadOnlyList<DeadLetter>> ListAsync(long tenantId, bool includeReplayed, int limit, CancellationToken cancellationToken);
    Task<DeadLetter?> FindAsync(long tenantId, long id, CancellationToken cancellationToken);

    /// <summary>Records a replay: successful when <paramref name="error"/> is null, otherwise the letter stays open.</summary>
    Task MarkReplayedAsync(long id, DateTimeOffset at, string? error, CancellationToken cancellationToken);
}

public interface IWebhookStore
{
    Task<Webhook> AddAsync(Webhook webhook, CancellationToken cancellationToken);
    Task<IReadOnlyList<Webhook>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(long tenantId, long id, CancellationToken cancellationToken);
    Task RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long tenantId, long webhookId, int limit, CancellationToken cancellationToken);
}

/// <summary>Outcome labels of anomalies, from completed maintenance.</summary>
public interface ILabelStore
{
    Task SaveAsync(IReadOnlyList<AnomalyLabel> labels, CancellationToken cancellationToken);
    Task<IReadOnlyList<AnomalyLabel>> ListAsync(long tenantId, int limit, CancellationToken cancellationToken);
}

public interface IReportStore
{
    Task SaveAsync(Report report, CancellationToken cancellationToken);
    Task<Report?> FindAsync(long tenantId, Guid reportId, CancellationToken cancellationToken);

    /// <summary>Newest first, without bodies' content changing; optionally about one subject.</summary>
    Task<IReadOnlyList<Report>> ListAsync(long tenantId, string? subject, int limit, CancellationToken cancellationToken);
}

/// <summary>The anomaly detector's sensitivity per tenant and sensor type (types without a row use the default).</summary>
public interface IDetectorSettingsStore
{
    Task<IReadOnlyList<SensitivitySetting>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task SetAsync(SensitivitySetting setting, CancellationToken cancellationToken);
    Task<bool> DeleteAsync(long tenantId, string sensorType, CancellationToken cancellationToken);
}

/// <summary>People who sign in to the web UI; usernames are unique across tenants (they name the person at sign-in).</summary>
public interface IUserStore
{
    /// <summary>Creates the user, or returns null when the username is taken.</summary>
    Task<UserAccount?> CreateAsync(UserAccount user, string passwordHash, CancellationToken cancellationToken);
    Task<(UserAccount User, string PasswordHash)?> FindByUsernameAsync(string username, CancellationToken cancellationToken);
    Task<IReadOnlyList<UserAccount>> ListAsync(long tenantId, CancellationToken cancellationToken);
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>The user with the password hash, whatever the tenant (sign-in sessions are checked by id).</summary>
    Task<(UserAccount User, string PasswordHash)?> FindAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Disables (a time) or enables (null) the tenant's user; false when there is no such user.</summary>
    Task<bool> SetDisabledAsync(long tenantId, long userId, DateTimeOffset? disabledAt, CancellationToken cancellationToken);

    Task<bool> SetPasswordHashAsync(long tenantId, long userId, string passwordHash, CancellationToken cancellationToken);
}
