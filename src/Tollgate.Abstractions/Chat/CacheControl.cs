namespace Tollgate.Chat;

/// <summary>
/// A prompt-cache breakpoint: the prompt up to and including the marked item may be cached (Anthropic
/// <c>cache_control</c>, Bedrock <c>cachePoint</c>). Providers without prompt caching drop the marker, which changes
/// cost, never the answer.
/// </summary>
/// <param name="Type">The cache type; <c>ephemeral</c> is the only one defined.</param>
/// <param name="Ttl">How long the entry lives (<c>5m</c> or <c>1h</c>), when given.</param>
public sealed record CacheControl(string Type = "ephemeral", string? Ttl = null)
{
    /// <summary>The default marker: <c>ephemeral</c> with the provider's default lifetime.</summary>
    public static CacheControl Ephemeral { get; } = new();
}
