namespace Tollgate.Accounts;

/// <summary>Durable, append-only record of admin actions.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry; returns once it is stored.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Reads entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
