namespace Tollgate.Accounts;

/// <summary>A user, optionally within a team, with their own budget and limits across all their keys.</summary>
public sealed record UserRecord
{
    /// <summary>The stable id (<c>user_...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The unique name (often an email address).</summary>
    public required string Name { get; init; }

    /// <summary>The team the user belongs to, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>The user's budget, or <see langword="null"/> for none.</summary>
    public BudgetSpec? Budget { get; init; }

    /// <summary>The user's rate limits, shared by all their keys.</summary>
    public LimitSpec Limits { get; init; } = LimitSpec.None;

    /// <summary>The model names the user may use; empty for all (within the team's).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When a blocked user's keys are refused; <see langword="null"/> when active.</summary>
    public DateTimeOffset? BlockedAt { get; init; }

    /// <summary>When created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
