using Tollgate.Chat;
using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Limits;

/// <summary>
/// Holds a stream to the output its reservation allows. The relays count each piece of output they pass (one per
/// non-empty text, reasoning or tool-argument delta of a choice) and end the stream with a proper final event once the
/// count goes past the reserved output tokens. Used by one request at a time.
/// </summary>
/// <remarks>
/// Every non-empty delta holds at least one token, so the count is a lower bound on the tokens generated: the cap
/// never ends an answer that the upstream itself would have ended within its limit (an upstream that honours
/// <c>max_tokens</c> sends exactly that many tokens, in at most that many deltas). It acts on an upstream that
/// generates past the reservation, most often an OpenAI-format host streaming one token per event to a client that
/// set no output limit; hosts that batch several tokens per event are held to fewer tokens than they generate, which
/// is why the translating paths also send the reserved output upstream as the request's limit (docs/limits.md).
/// </remarks>
public sealed class OutputCap
{
    /// <summary>Creates a cap of <paramref name="limit"/> pieces of output.</summary>
    /// <param name="limit">The reserved output tokens.</param>
    /// <param name="promptEstimate">The reservation's prompt estimate, billed as input when the upstream reported none.</param>
    public OutputCap(long limit, long promptEstimate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(promptEstimate);
        Limit = limit;
        PromptEstimate = promptEstimate;
    }

    /// <summary>The reserved output tokens.</summary>
    public long Limit { get; }

    /// <summary>The reservation's prompt estimate.</summary>
    public long PromptEstimate { get; }

    /// <summary>The pieces of output counted so far, the one that went past the limit included.</summary>
    public long Counted { get; private set; }

    /// <summary>Whether the stream has gone past its limit; the relay ends it before the piece that did.</summary>
    public bool Exceeded => Counted > Limit;

    /// <summary>
    /// The cap for a request's stream: its reservation's output tokens, or <see langword="null"/> when the request
    /// reserved nothing (no budget or tokens-per-minute limit applies) or reserved no bound.
    /// </summary>
    public static OutputCap? For(GatewayContext context) =>
        context.Reservation is { OutputTokens: > 0 and < long.MaxValue } reservation ? new OutputCap(reservation.OutputTokens, reservation.PromptTokens) : null;

    /// <summary>
    /// The output limit to send upstream for a request that set none but is held to a reservation: the reserved output
    /// per choice, so that the upstream itself stops there and reports exact usage. <see langword="null"/> when the
    /// request set its own limit or reserved nothing.
    /// </summary>
    public static int? UpstreamMaxTokens(GatewayContext context, int? requestMaxTokens, int? choices)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (requestMaxTokens is not null || context.Reservation is not { OutputTokens: > 0 } reservation)
        {
            return null;
        }

        var perChoice = reservation.OutputTokens / Math.Max(1, choices ?? 1);
        return (int)Math.Clamp(perChoice, 1, int.MaxValue);
    }

    /// <summary>The pieces of output an update carries: its non-empty text, reasoning and tool-argument deltas.</summary>
    public static int Pieces(ChatStreamUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var pieces = 0;
        pieces += string.IsNullOrEmpty(update.TextDelta) ? 0 : 1;
        pieces += string.IsNullOrEmpty(update.ThinkingDelta) ? 0 : 1;
        foreach (var call in update.ToolCalls ?? [])
        {
            pieces += string.IsNullOrEmpty(call.ArgumentsDelta) ? 0 : 1;
        }

        return pieces;
    }

    /// <summary>Counts <paramref name="pieces"/> more; <see langword="true"/> when the stream has now gone past the limit.</summary>
    public bool Add(int pieces)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pieces);
        Counted += pieces;
        return Exceeded;
    }

    /// <summary>
    /// The usage to bill for a stream the cap ended, whose upstream never reported its own: the input the upstream
    /// reported so far (Anthropic's <c>message_start</c>), else the reservation's prompt estimate; the output counted.
    /// </summary>
    public ChatUsage UsageAtCut(ChatUsage? reported) => new()
    {
        InputTokens = reported is { InputTokens: > 0 } ? reported.InputTokens : PromptEstimate,
        CachedInputTokens = reported?.CachedInputTokens ?? 0,
        CacheWriteTokens = reported?.CacheWriteTokens ?? 0,
        OutputTokens = Math.Max(Counted, reported?.OutputTokens ?? 0),
    };
}
