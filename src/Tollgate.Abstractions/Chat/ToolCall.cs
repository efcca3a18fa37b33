namespace Tollgate.Chat;

/// <summary>A function call the model asked for.</summary>
/// <param name="Id">The provider's call id; a tool result names it in <see cref="ChatMessage.ToolCallId"/>.</param>
/// <param name="Name">The function name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON text (OpenAI sends a string, Anthropic an object; both are kept as text).</param>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);
