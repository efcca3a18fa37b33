namespace Tollgate.Accounts;

/// <summary>
/// A virtual key as stored. The secret itself is never stored: only its SHA-256 digest (lowercase hex) and a short
/// display prefix. A rotated key may keep its previous digest valid until <see cref="PreviousSecretExpiresAt"/>.
/// </summary>
public sealed record VirtualKeyRecord
{
    /// <summary>The stable, non-secret id (<c>key_...</c>), used in the ledger and the admin API.</summary>
    public required string Id { get; init; }

    /// <summary>The unique name.</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the secret, lowercase hex.</summary>
    public required string SecretHash { get; init; }

    /// <summary>The first characters of the secret, for people to recognise it (<c>sk-tg-AbC1</c>).</summary>
    public required string DisplayPrefix { get; init; }

    /// <summary>The digest of the secret this key had before its last rotation, while it is still accepted.</summary>
    public string? PreviousSecretHash { get; init; }

    /// <summary>Until when <see cref="PreviousSecretHash"/> is accepted.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>The key's team, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>The key's user, if any.</summary>
    public string? UserId { get; init; }

    /// <summary>What the key may do besides calling models.</summary>
    public KeyRole Role { get; init; } = KeyRole.User;

    /// <summary>The model names the key may use; empty for all (within its user's and team's).</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>The key's own budget, or <see langword="null"/> for none.</summary>
    public BudgetSpec? Budget { get; init; }

    /// <summary>The key's own rate limits.</summary>
    public LimitSpec Limits { get; init; } = LimitSpec.None;

    /// <summary>When the key stops working, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the key was revoked; <see langword="null"/> while it is live.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Tags copied onto every ledger record of the key's requests.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>When created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
