namespace Tollgate.Providers;

/// <summary>
/// What a provider can express. The gateway reads these instead of naming providers: a translated request that needs
/// a capability the target lacks is refused with a 400 naming the feature and the provider (see
/// <c>CapabilityGuard</c>), and docs/providers.md is checked against them.
/// </summary>
public sealed record ProviderCapabilities
{
    /// <summary>The upstream's native format; requests in the same format take the byte pass-through path.</summary>
    public WireFormat NativeFormat { get; init; }

    /// <summary>Image content parts.</summary>
    public bool Vision { get; init; }

    /// <summary>Document content parts (PDF and text files).</summary>
    public bool Documents { get; init; }

    /// <summary>Function tools.</summary>
    public bool Tools { get; init; }

    /// <summary><c>response_format</c> json_object and json_schema.</summary>
    public bool JsonOutput { get; init; }

    /// <summary>Log probabilities.</summary>
    public bool Logprobs { get; init; }

    /// <summary>A sampling seed.</summary>
    public bool Seed { get; init; }

    /// <summary>More than one choice per request (<c>n</c> &gt; 1).</summary>
    public bool MultipleChoices { get; init; }

    /// <summary>Top-k sampling.</summary>
    public bool TopK { get; init; }

    /// <summary>Presence and frequency penalties.</summary>
    public bool Penalties { get; init; }

    /// <summary>Extended thinking / reasoning controls, and reasoning returned in answers.</summary>
    public bool Reasoning { get; init; }

    /// <summary>Prompt-cache breakpoints are honoured (elsewhere they are dropped: cost changes, never the answer).</summary>
    public bool PromptCaching { get; init; }

    /// <summary>Citations on documents.</summary>
    public bool Citations { get; init; }

    /// <summary>The upstream accepts Anthropic beta names (<c>anthropic-beta</c>); elsewhere they are not forwarded.</summary>
    public bool AnthropicBetas { get; init; }

    /// <summary>
    /// The family whose opaque reasoning state (thinking signatures, thought signatures) this upstream accepts, or
    /// <see langword="null"/>. State of another family is stripped before the request is sent.
    /// </summary>
    public string? SignatureFamily { get; init; }

    /// <summary>Embeddings.</summary>
    public bool Embeddings { get; init; }
}
