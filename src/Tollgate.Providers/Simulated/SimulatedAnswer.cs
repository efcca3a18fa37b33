using Tollgate.Chat;

namespace Tollgate.Providers.Simulated;

/// <summary>What one choice of a simulated request answers, worked out before any token is sent.</summary>
/// <param name="Pieces">The text deltas, one token each (for a tool call, the arguments' JSON text).</param>
/// <param name="ToolCall">The tool call, when the answer is one.</param>
/// <param name="FinishReason">Why the answer ends.</param>
internal sealed record SimulatedAnswer(IReadOnlyList<string> Pieces, ToolCall? ToolCall, FinishReason FinishReason)
{
    /// <summary>The whole text of <see cref="Pieces"/>.</summary>
    public string Text => string.Concat(Pieces);

    /// <summary>The stop sequence that cut the answer, when one did.</summary>
    public string? StopSequence { get; init; }

    /// <summary>The tokens one choice generates.</summary>
    public int OutputTokens => Pieces.Count;
}
