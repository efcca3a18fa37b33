using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Core.Metering;

/// <summary>
/// The usage to bill for a stream that broke off before the upstream reported its own (the client left, the key was
/// revoked, the upstream failed mid-stream). OpenAI-format hosts report usage only in their last chunk, so without
/// this a client could take most of an answer and leave before the usage chunk, and be billed nothing.
/// </summary>
/// <remarks>
/// Input: what the upstream reported so far (Anthropic's <c>message_start</c>), else the reservation's prompt estimate,
/// else the prompt counted now from the raw body (the upstream was sent the whole prompt, and bills it). Output: the
/// pieces of output the relay passed (at least one token each), or what the upstream reported, whichever is larger.
/// </remarks>
public static class BrokenStreamUsage
{
    /// <summary>The usage to bill; <paramref name="outputPieces"/> is the output the relay counted.</summary>
    public static ChatUsage Estimate(GatewayContext context, ChatUsage? reported, long outputPieces)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ChatUsage
        {
            InputTokens = reported is { InputTokens: > 0 } ? reported.InputTokens : EstimatePrompt(context),
            CachedInputTokens = reported?.CachedInputTokens ?? 0,
            CacheWriteTokens = reported?.CacheWriteTokens ?? 0,
            OutputTokens = Math.Max(Math.Max(0, outputPieces), reported?.OutputTokens ?? 0),
            ReasoningTokens = reported?.ReasoningTokens ?? 0,
        };
    }

    private static long EstimatePrompt(GatewayContext context)
    {
        if (context.Reservation is { } reservation)
        {
            return reservation.PromptTokens;
        }

        var body = context.RequestBody.Span;
        if (body.IsEmpty)
        {
            return 0;
        }

        var model = context.Target?.Deployment.Model;
        return context.Surface == WireFormat.Anthropic
            ? PromptTokenEstimator.Default.EstimateAnthropicMessages(body, model).PromptTokens
            : PromptTokenEstimator.Default.EstimateOpenAIChat(body, model).PromptTokens;
    }
}
