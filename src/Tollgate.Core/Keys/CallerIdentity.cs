using Tollgate.Accounts;

namespace Tollgate.Core.Keys;

/// <summary>Who a request comes from, as authentication established it.</summary>
/// <param name="KeyId">A stable, non-secret id of the key used (never the key itself): <c>master</c> or a virtual key's id.</param>
/// <param name="IsAdmin">Whether the key may use the whole admin API (the master key or an admin-role key).</param>
public sealed record CallerIdentity(string KeyId, bool IsAdmin)
{
    /// <summary>The caller that presented the master key.</summary>
    public static readonly CallerIdentity Master = new("master", IsAdmin: true) { Role = KeyRole.Admin };

    /// <summary>What the key may do besides calling models (<see cref="KeyRole.Admin"/> for the master key).</summary>
    public KeyRole Role { get; init; } = KeyRole.User;

    /// <summary>Whether this is the master key.</summary>
    public bool IsMaster => Key is null && IsAdmin && KeyId == Master.KeyId;

    /// <summary>The key's team, if any.</summary>
    public string? TeamId => Key?.TeamId;

    /// <summary>The key's user, if any.</summary>
    public string? UserId => Key?.UserId;

    /// <summary>The virtual key as it stood when the request was authenticated; <see langword="null"/> for the master key.</summary>
    public VirtualKeyRecord? Key { get; init; }

    /// <summary>The key's user record, for user budgets, limits and model access.</summary>
    public UserRecord? User { get; init; }

    /// <summary>The key's team record, for team budgets, limits and model access.</summary>
    public TeamRecord? Team { get; init; }

    /// <summary>
    /// Cancelled when the key is revoked, or its user or team blocked, while the request is in flight. Link the
    /// request's work to it so revocation also stops requests already running. <see cref="CancellationToken.None"/>
    /// for the master key.
    /// </summary>
    public CancellationToken Revoked { get; init; }

    /// <summary>The key's tags, for ledger records.</summary>
    public IReadOnlyList<string> Tags => Key?.Tags ?? [];
}
