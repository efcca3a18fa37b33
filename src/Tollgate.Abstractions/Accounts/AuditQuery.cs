namespace Tollgate.Accounts;

/// <summary>Which audit entries to read, newest first.</summary>
public sealed record AuditQuery
{
    /// <summary>Entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Entries before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only entries by or about this team (actor team or target team).</summary>
    public string? TeamId { get; init; }

    /// <summary>Only entries about this record.</summary>
    public string? TargetId { get; init; }

    /// <summary>The most entries to return.</summary>
    public int Limit { get; init; } = 100;
}
