using System.Text.Json;

namespace Tollgate.Chat;

/// <summary>One generated answer.</summary>
/// <param name="Index">The choice's index (0 unless the client asked for several).</param>
/// <param name="Message">The assistant message.</param>
/// <param name="FinishReason">Why generation stopped, when known.</param>
/// <param name="Logprobs">The provider's log probabilities, kept verbatim in OpenAI's shape.</param>
public sealed record ChatChoice(int Index, ChatMessage Message, FinishReason? FinishReason, JsonElement? Logprobs = null);
