namespace Tollgate.Chat;

/// <summary>One message of a conversation.</summary>
public sealed class ChatMessage
{
    /// <summary>Creates a message.</summary>
    public ChatMessage(ChatRole role, IList<ContentPart> parts)
    {
        Role = role;
        Parts = parts;
    }

    /// <summary>Who wrote it.</summary>
    public ChatRole Role { get; }

    /// <summary>The content, in order. Empty for an assistant message that only calls tools.</summary>
    public IList<ContentPart> Parts { get; }

    /// <summary>OpenAI's optional participant name.</summary>
    public string? Name { get; init; }

    /// <summary>The tool calls of an assistant message.</summary>
    public IList<ToolCall>? ToolCalls { get; init; }

    /// <summary>For a <see cref="ChatRole.Tool"/> message, the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>An assistant refusal text (OpenAI <c>refusal</c>).</summary>
    public string? Refusal { get; init; }

    /// <summary>For a <see cref="ChatRole.Tool"/> message, whether the tool failed (Anthropic <c>is_error</c>).</summary>
    public bool IsError { get; init; }

    /// <summary>
    /// A prompt-cache breakpoint on the message as a whole: on a <see cref="ChatRole.Tool"/> message, the
    /// <c>cache_control</c> of Anthropic's <c>tool_result</c> block. Breakpoints on content sit on the parts.
    /// </summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Creates a text message.</summary>
    public static ChatMessage FromText(ChatRole role, string text) => new(role, [new TextPart(text)]);

    /// <summary>The concatenated text of every <see cref="TextPart"/>.</summary>
    public string GetText()
    {
        if (Parts.Count == 1 && Parts[0] is TextPart single)
        {
            return single.Text;
        }

        return string.Concat(Parts.OfType<TextPart>().Select(p => p.Text));
    }
}
