namespace Tollgate.Accounts;

/// <summary>A team: a group of users and keys with its own budget, limits and model access.</summary>
public sealed record TeamRecord
{
    /// <summary>The stable id (<c>team_...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The unique name.</summary>
    public required string Name { get; init; }

    /// <summary>The team's budget, or <see langword="null"/> for none.</summary>
    public BudgetSpec? Budget { get; init; }

    /// <summary>The team's rate limits, shared by all its keys.</summary>
    public LimitSpec Limits { get; init; } = LimitSpec.None;

    /// <summary>The model names the team may use; empty for all.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>When a blocked team's keys are refused; <see langword="null"/> when active.</summary>
    public DateTimeOffset? BlockedAt { get; init; }

    /// <summary>When created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
