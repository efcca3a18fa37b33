namespace Tollgate.Chat;

/// <summary>
/// The model's reasoning, as it returned it (Anthropic <c>thinking</c> blocks, Gemini thought parts, the
/// <c>reasoning_content</c> of OpenAI-compatible hosts). A later turn must send it back unchanged, signature included,
/// for multi-turn tool use to keep working on the provider that produced it.
/// </summary>
/// <param name="Text">The reasoning text (may be empty when the provider returns only a signature).</param>
/// <param name="Signature">The provider's opaque signature over the reasoning, when it gave one.</param>
public sealed record ThinkingPart(string Text, string? Signature = null) : ContentPart
{
    /// <summary>
    /// Which provider family produced <see cref="Signature"/> (<see cref="SignatureFamilies"/>): a signature is only
    /// valid for that family and is stripped, on purpose, when a request goes to another.
    /// </summary>
    public string? SignatureFamily { get; init; }
}

/// <summary>Reasoning the provider returned encrypted (Anthropic <c>redacted_thinking</c>); sent back as it is.</summary>
/// <param name="Data">The opaque data.</param>
public sealed record RedactedThinkingPart(string Data) : ContentPart
{
    /// <summary>Which provider family produced it; see <see cref="ThinkingPart.SignatureFamily"/>.</summary>
    public string? SignatureFamily { get; init; }
}

/// <summary>The provider families whose opaque reasoning state is interchangeable.</summary>
public static class SignatureFamilies
{
    /// <summary>Claude, wherever it runs: Anthropic's API, Amazon Bedrock, Google Vertex AI.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>Gemini, on the Gemini API or Vertex AI.</summary>
    public const string Gemini = "gemini";
}
