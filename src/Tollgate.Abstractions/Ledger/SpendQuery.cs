namespace Tollgate.Ledger;

/// <summary>Which ledger records a spend report covers and how it groups them.</summary>
public sealed record SpendQuery
{
    /// <summary>The grouping.</summary>
    public required SpendGrouping GroupBy { get; init; }

    /// <summary>Records at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Records before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this team's records (team-scoped callers).</summary>
    public string? TeamId { get; init; }

    /// <summary>Only this key's records.</summary>
    public string? KeyId { get; init; }

    /// <summary>Only this user's records.</summary>
    public string? UserId { get; init; }
}
