using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using SmartMaintenance.Domain;

namespace SmartMaintenance.Maintenance;

/// <summary>How each audit entry is chained to the one before it.</summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256 over the entry's fields, length-prefixed so no two different entries share an input.</summary>
    public static string Hash(long sequence, long atMicros, AuditEvent entry, string previousHash)
    {
        var text = new StringBuilder(256 + entry.Payload.Length);
        foreach (var field in (ReadOnlySpan<string>)[
            sequence.ToString(CultureInfo.InvariantCulture), atMicros.ToString(CultureInfo.InvariantCulture),
            entry.TenantId.ToString(CultureInfo.InvariantCulture), entry.Type, entry.CorrelationId, entry.Actor,
            entry.Payload, previousHash])
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Checks one entry against its predecessor's sequence and hash; null when it holds.</summary>
    public static string? Check(AuditEntry entry, long expectedSequence, string expectedPreviousHash)
    {
        if (entry.Sequence != expectedSequence)
        {
            return $"expected entry {expectedSequence} next, found {entry.Sequence}: entries are missing";
        }

        if (entry.PreviousHash != expectedPreviousHash)
        {
            return "its previous-hash does not match the entry before it";
        }

        var recomputed = Hash(entry.Sequence, UnixMicros.From(entry.At),
            new AuditEvent(entry.TenantId, entry.Type, entry.CorrelationId, entry.Actor, entry.Payload), entry.PreviousHash);
        return recomputed == entry.Hash ? null : "its content does not match its hash: the entry was altered";
    }
}
