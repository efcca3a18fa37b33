namespace Tollgate.Accounts;

/// <summary>One admin action: who did what to which record, when, from where, and whether it was allowed.</summary>
public sealed record AuditEntry
{
    /// <summary>A unique id (<c>aud_...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The acting key's id, or <c>master</c>.</summary>
    public required string ActorKeyId { get; init; }

    /// <summary>The acting key's team, for team admins.</summary>
    public string? ActorTeamId { get; init; }

    /// <summary>What was done, <c>noun.verb</c>: <c>key.create</c>, <c>key.revoke</c>, <c>team.update</c>, ...</summary>
    public required string Action { get; init; }

    /// <summary>The kind of record acted on: <c>key</c>, <c>team</c>, <c>user</c>, <c>spend</c>, <c>audit</c>.</summary>
    public required string TargetType { get; init; }

    /// <summary>The id of the record acted on, when there is one.</summary>
    public string? TargetId { get; init; }

    /// <summary>The team of the record acted on, so team admins can read their team's entries.</summary>
    public string? TargetTeamId { get; init; }

    /// <summary>What changed, as a JSON object with secrets left out.</summary>
    public string? Details { get; init; }

    /// <summary>The caller's IP address.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The caller's User-Agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The HTTP status the action ended with (403 for a refused one).</summary>
    public required int Status { get; init; }
}
