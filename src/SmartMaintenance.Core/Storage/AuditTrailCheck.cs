using SmartMaintenance.Domain;
using SmartMaintenance.Maintenance;

namespace SmartMaintenance.Storage;

/// <summary>
/// The walk every event log makes to verify its trail, whatever holds it: fed the whole chain in sequence order, then
/// the head. A tenant's check (not null) counts only that tenant's entries and describes a broken entry only when it is
/// the tenant's own.
/// </summary>
internal sealed class AuditTrailCheck(long? tenantId)
{
    private const string OtherTenants =
        "An entry outside this tenant was altered, removed or reordered: the shared trail cannot vouch for the entries after it. A platform admin's check names it.";

    private long _expected = 1;
    private long _counted;
    private string _previous = AuditChain.Genesis;

    /// <summary>Checks the next entry: the failed verification when it breaks the chain (stop there), otherwise null.</summary>
    public AuditVerification? Next(AuditEntry entry)
    {
        var counts = tenantId is null || entry.TenantId == tenantId;
        if (AuditChain.Check(entry, _expected, _previous) is { } problem)
        {
            return counts
                ? new AuditVerification(false, _counted, entry.Sequence, $"Entry {entry.Sequence}: {problem}.")
                : new AuditVerification(false, _counted, null, OtherTenants);
        }

        _expected++;
        _counted += counts ? 1 : 0;
        _previous = entry.Hash;
        return null;
    }

    /// <summary>The verdict once every entry held: the head must record the last one, or entries went from the end.</summary>
    public AuditVerification End(long headSequence, string headHash)
    {
        if (headSequence != _expected - 1 || headHash != _previous)
        {
            return tenantId is null
                ? new AuditVerification(false, _counted, _expected,
                    $"The trail ends at entry {_expected - 1} but its head records entry {headSequence}: entries were removed from the end.")
                : new AuditVerification(false, _counted, null, "Entries were removed from the end of the trail.");
        }

        return new AuditVerification(true, _counted, null, null);
    }
}
