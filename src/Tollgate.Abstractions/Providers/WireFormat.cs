namespace Tollgate.Providers;

/// <summary>A request/response format spoken both by clients and by some upstreams.</summary>
public enum WireFormat
{
    /// <summary>A format no client speaks; every request is translated.</summary>
    None,

    /// <summary>The OpenAI Chat Completions and Embeddings API.</summary>
    OpenAI,

    /// <summary>The Anthropic Messages API.</summary>
    Anthropic,
}
