using System.Text.Json;

namespace Tollgate.Chat;

/// <summary>One generated answer.</summary>
/// <param name="Index">The choice's index (0 unless the client asked for several).</param>
/// <param name="Message">The assistant message. Its parts keep the provider's order: reasoning, then text.</param>
/// <param name="FinishReason">Why generation stopped, when known.</param>
/// <param name="Logprobs">The provider's log probabilities, kept verbatim in OpenAI's shape.</param>
public sealed record ChatChoice(int Index, ChatMessage Message, FinishReason? FinishReason, JsonElement? Logprobs = null)
{
    /// <summary>The stop sequence that ended the answer, when one did (Anthropic <c>stop_sequence</c>).</summary>
    public string? StopSequence { get; init; }
}
