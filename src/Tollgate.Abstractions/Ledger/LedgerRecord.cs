namespace Tollgate.Ledger;

/// <summary>
/// One request as the ledger keeps it. Token counts follow <see cref="Chat.ChatUsage"/>: input includes cached and
/// cache-write tokens, output includes reasoning tokens.
/// </summary>
public sealed record LedgerRecord
{
    /// <summary>The request id; unique, so appending the same record twice stores it once.</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The caller's key id (<c>master</c> for the master key), never the key.</summary>
    public required string KeyId { get; init; }

    /// <summary>The key's user, if any.</summary>
    public string? UserId { get; init; }

    /// <summary>The key's team, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>What was asked for: <c>chat</c>, <c>embeddings</c>, <c>count_tokens</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The model name the client sent.</summary>
    public required string RequestedModel { get; init; }

    /// <summary>The provider (config name) that served it, when routing got that far.</summary>
    public string? Provider { get; init; }

    /// <summary>The upstream model name, when routing got that far.</summary>
    public string? DeploymentModel { get; init; }

    /// <summary>Whether the answer was streamed.</summary>
    public bool Stream { get; init; }

    /// <summary>All prompt tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Prompt tokens read from a cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Prompt tokens written to a cache.</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>All generated tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Generated tokens spent on reasoning.</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>The cost in US nano-dollars; <see langword="null"/> when the model has no price.</summary>
    public long? CostNanoDollars { get; init; }

    /// <summary>From arrival to the last byte, in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>From arrival to the first token (the whole answer, when not streamed), in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>The status sent to the client (499 when the client went away).</summary>
    public int StatusCode { get; init; }

    /// <summary>The error type of a failed request.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The key's tags plus any the request carried.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
