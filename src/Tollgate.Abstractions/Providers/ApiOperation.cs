namespace Tollgate.Providers;

/// <summary>The client-facing operation a request performs.</summary>
public enum ApiOperation
{
    /// <summary>A chat completion (OpenAI <c>/chat/completions</c>, Anthropic <c>/messages</c>).</summary>
    Chat,

    /// <summary>Embeddings (OpenAI <c>/embeddings</c>).</summary>
    Embeddings,

    /// <summary>Counting a request's input tokens without running it (Anthropic <c>/messages/count_tokens</c>).</summary>
    CountTokens,
}
