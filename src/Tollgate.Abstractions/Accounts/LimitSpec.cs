namespace Tollgate.Accounts;

/// <summary>Rate limits; a <see langword="null"/> field means no limit of that kind.</summary>
public sealed record LimitSpec
{
    /// <summary>No limits at all.</summary>
    public static readonly LimitSpec None = new();

    /// <summary>Requests per minute.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Tokens (input plus output) per minute.</summary>
    public long? TokensPerMinute { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>Whether any limit is set.</summary>
    public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null && MaxParallel is null;
}
