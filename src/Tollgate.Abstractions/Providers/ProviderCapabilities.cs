namespace Tollgate.Providers;

/// <summary>What a provider can express. The gateway reads these instead of naming providers.</summary>
public sealed record ProviderCapabilities
{
    /// <summary>The upstream's native format; requests in the same format take the byte pass-through path.</summary>
    public WireFormat NativeFormat { get; init; }

    /// <summary>Image content parts.</summary>
    public bool Vision { get; init; }

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

    /// <summary>Embeddings.</summary>
    public bool Embeddings { get; init; }
}
