namespace Tollgate.Chat;

/// <summary>One step of a streamed answer. A stream ends with an update carrying <see cref="Usage"/> when the provider reports it.</summary>
public sealed class ChatStreamUpdate
{
    /// <summary>The provider's response id (the same on every update of a stream).</summary>
    public string? Id { get; init; }

    /// <summary>The answering model, as the provider names it.</summary>
    public string? Model { get; init; }

    /// <summary>Which choice this update extends.</summary>
    public int ChoiceIndex { get; init; }

    /// <summary>The role, on a choice's first update.</summary>
    public ChatRole? Role { get; init; }

    /// <summary>The next text fragment.</summary>
    public string? TextDelta { get; init; }

    /// <summary>Citations for the text that follows, as a JSON array in Anthropic's shape (see <see cref="TextPart.Citations"/>).</summary>
    public System.Text.Json.JsonElement? Citations { get; init; }

    /// <summary>The next fragment of the model's reasoning.</summary>
    public string? ThinkingDelta { get; init; }

    /// <summary>The signature closing the current reasoning block (it arrives after the block's text).</summary>
    public string? ThinkingSignature { get; init; }

    /// <summary>Which provider family produced <see cref="ThinkingSignature"/> or <see cref="RedactedThinking"/>.</summary>
    public string? SignatureFamily { get; init; }

    /// <summary>A whole encrypted reasoning block (Anthropic <c>redacted_thinking</c>).</summary>
    public string? RedactedThinking { get; init; }

    /// <summary>Tool-call fragments.</summary>
    public IList<ToolCallUpdate>? ToolCalls { get; init; }

    /// <summary>Set on the choice's last update.</summary>
    public FinishReason? FinishReason { get; init; }

    /// <summary>With <see cref="FinishReason"/>: the stop sequence that ended the answer, when one did.</summary>
    public string? StopSequence { get; init; }

    /// <summary>Set on the stream's usage update, which carries no choice content.</summary>
    public ChatUsage? Usage { get; init; }
}
