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

    /// <summary>Tool-call fragments.</summary>
    public IList<ToolCallUpdate>? ToolCalls { get; init; }

    /// <summary>Set on the choice's last update.</summary>
    public FinishReason? FinishReason { get; init; }

    /// <summary>Set on the stream's usage update, which carries no choice content.</summary>
    public ChatUsage? Usage { get; init; }
}
