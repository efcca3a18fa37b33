namespace Tollgate.Chat;

/// <summary>
/// Token usage normalised across providers. <see cref="InputTokens"/> counts every prompt token, including
/// those read from or written to a prompt cache (OpenAI's semantics; Anthropic's separate counts are added
/// in), so the cached counts are subsets of it. <see cref="OutputTokens"/> likewise includes
/// <see cref="ReasoningTokens"/>.
/// </summary>
public sealed record ChatUsage
{
    /// <summary>All prompt tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Prompt tokens read from the provider's cache (a subset of <see cref="InputTokens"/>).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Prompt tokens written to the provider's cache (a subset of <see cref="InputTokens"/>).</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>All generated tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Generated tokens spent on reasoning (a subset of <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Input plus output.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
