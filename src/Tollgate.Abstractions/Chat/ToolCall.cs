namespace Tollgate.Chat;

/// <summary>A function call the model asked for.</summary>
/// <param name="Id">The provider's call id; a tool result names it in <see cref="ChatMessage.ToolCallId"/>.</param>
/// <param name="Name">The function name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON text (OpenAI sends a string, Anthropic an object; both are kept as text).</param>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson)
{
    /// <summary>A prompt-cache breakpoint on the call (Anthropic <c>cache_control</c> on a <c>tool_use</c> block).</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Opaque provider state attached to the call (Gemini's <c>thoughtSignature</c>), sent back with it.</summary>
    public string? Signature { get; init; }

    /// <summary>Which provider family produced <see cref="Signature"/>; see <see cref="ThinkingPart.SignatureFamily"/>.</summary>
    public string? SignatureFamily { get; init; }
}
