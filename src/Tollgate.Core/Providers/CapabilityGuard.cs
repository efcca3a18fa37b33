using Tollgate.Chat;
using Tollgate.Providers;

namespace Tollgate.Core.Providers;

/// <summary>
/// Checks a translated request against the target provider's <see cref="ProviderCapabilities"/> before it is sent.
/// What the target cannot express is refused with a 400 naming the feature and the provider; opaque reasoning state
/// of another provider family (which the target would reject) and prompt-cache markers a target cannot honour are
/// stripped on purpose, and the returned <see cref="CapabilityReport"/> says what was stripped so the caller records it.
/// </summary>
public static class CapabilityGuard
{
    /// <summary>Returns the request to send: <paramref name="request"/> itself, or a copy with stripped state.</summary>
    /// <exception cref="ProviderException">The request needs a capability the provider lacks (400, <c>unsupported_feature</c>).</exception>
    public static ChatRequest Apply(ChatRequest request, ProviderCapabilities capabilities, string providerName, out CapabilityReport report)
    {
        // Step 1: request-level features.
        if (request.Tools is { Count: > 0 } && !capabilities.Tools)
        {
            throw ProviderException.Unsupported(providerName, "Tools (function calling)");
        }

        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } && !capabilities.JsonOutput)
        {
            throw ProviderException.Unsupported(providerName, "JSON output (response_format)");
        }

        if (request.Logprobs == true && !capabilities.Logprobs)
        {
            throw ProviderException.Unsupported(providerName, "Log probabilities (logprobs)");
        }

        if (request.Seed is not null && !capabilities.Seed)
        {
            throw ProviderException.Unsupported(providerName, "A sampling seed (seed)");
        }

        if (request.N is > 1 && !capabilities.MultipleChoices)
        {
            throw ProviderException.Unsupported(providerName, "More than one choice (n > 1)");
        }

        if (request.TopK is not null && !capabilities.TopK)
        {
            throw ProviderException.Unsupported(providerName, "Top-k sampling (top_k)");
        }

        if ((request.PresencePenalty is not null || request.FrequencyPenalty is not null) && !capabilities.Penalties)
        {
            throw ProviderException.Unsupported(providerName, "presence_penalty and frequency_penalty");
        }

        if (request.Reasoning is { Enabled: true } && !capabilities.Reasoning)
        {
            throw ProviderException.Unsupported(providerName, "Extended thinking / reasoning");
        }

        // Step 2: content, and the state to strip.
        var strippedState = 0;
        var strippedCacheMarkers = 0;
        List<ChatMessage>? rewritten = null;
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            var replacement = Check(message, i, capabilities, providerName, ref strippedState, ref strippedCacheMarkers);
            if (!ReferenceEquals(replacement, message) && rewritten is null)
            {
                rewritten = new List<ChatMessage>(request.Messages.Count);
                for (var j = 0; j < i; j++)
                {
                    rewritten.Add(request.Messages[j]);
                }
            }

            rewritten?.Add(replacement);
        }

        // Step 3: cache markers on tool definitions.
        var tools = request.Tools;
        if (!capabilities.PromptCaching && tools is not null && tools.Any(t => t.CacheControl is not null))
        {
            strippedCacheMarkers += tools.Count(t => t.CacheControl is not null);
            tools = [.. tools.Select(t => t.CacheControl is null ? t : t with { CacheControl = null })];
        }

        var dropBetas = request.Betas is { Count: > 0 } && !capabilities.AnthropicBetas;
        report = new CapabilityReport(strippedState, strippedCacheMarkers, dropBetas ? request.Betas!.Count : 0);
        if (rewritten is null && !dropBetas && ReferenceEquals(tools, request.Tools))
        {
            return request;
        }

        var copy = request.WithMessages(rewritten ?? request.Messages);
        copy.Tools = tools;
        if (dropBetas)
        {
            copy.Betas = null;
        }

        return copy;
    }

    private static ChatMessage Check(ChatMessage message, int index, ProviderCapabilities capabilities, string providerName, ref int strippedState, ref int strippedCacheMarkers)
    {
        List<ContentPart>? parts = null;
        for (var p = 0; p < message.Parts.Count; p++)
        {
            var part = message.Parts[p];
            var keep = part;
            switch (part)
            {
                case ImagePart when !capabilities.Vision:
                    throw ProviderException.Unsupported(providerName, $"Image input (messages[{index}])");
                case DocumentPart when !capabilities.Documents:
                    throw ProviderException.Unsupported(providerName, $"Document input (messages[{index}])");
                case DocumentPart { Citations: true } when !capabilities.Citations:
                    throw ProviderException.Unsupported(providerName, $"Citations on documents (messages[{index}])");
                case ThinkingPart thinking when !Accepts(capabilities, thinking.SignatureFamily, thinking.Signature):
                case RedactedThinkingPart redacted when !Accepts(capabilities, redacted.SignatureFamily, redacted.Data):
                    keep = null;
                    strippedState++;
                    break;
            }

            if (keep?.CacheControl is not null && !capabilities.PromptCaching)
            {
                keep = keep with { CacheControl = null };
                strippedCacheMarkers++;
            }

            if (!ReferenceEquals(keep, part) && parts is null)
            {
                parts = new List<ContentPart>(message.Parts.Count);
                for (var q = 0; q < p; q++)
                {
                    parts.Add(message.Parts[q]);
                }
            }

            if (parts is not null && keep is not null)
            {
                parts.Add(keep);
            }
        }

        var toolCalls = message.ToolCalls;
        if (toolCalls is not null && toolCalls.Any(c => c.Signature is not null && !Accepts(capabilities, c.SignatureFamily, c.Signature)))
        {
            toolCalls = [.. toolCalls.Select(c => c.Signature is not null && !Accepts(capabilities, c.SignatureFamily, c.Signature)
                ? c with { Signature = null, SignatureFamily = null }
                : c)];
            strippedState += message.ToolCalls!.Count(c => c.Signature is not null && !Accepts(capabilities, c.SignatureFamily, c.Signature));
        }

        if (!capabilities.PromptCaching && toolCalls is not null && toolCalls.Any(c => c.CacheControl is not null))
        {
            strippedCacheMarkers += toolCalls.Count(c => c.CacheControl is not null);
            toolCalls = [.. toolCalls.Select(c => c with { CacheControl = null })];
        }

        var dropMessageMarker = message.CacheControl is not null && !capabilities.PromptCaching;
        if (dropMessageMarker)
        {
            strippedCacheMarkers++;
        }

        if (parts is null && ReferenceEquals(toolCalls, message.ToolCalls) && !dropMessageMarker)
        {
            return message;
        }

        return new ChatMessage(message.Role, parts ?? message.Parts)
        {
            Name = message.Name,
            ToolCalls = toolCalls,
            ToolCallId = message.ToolCallId,
            Refusal = message.Refusal,
            IsError = message.IsError,
            CacheControl = dropMessageMarker ? null : message.CacheControl,
        };
    }

    // Reasoning state travels only to the family that made it. Unsigned reasoning text is kept only where reasoning
    // is accepted without a signature (a target with no signature family).
    private static bool Accepts(ProviderCapabilities capabilities, string? family, string? signature)
    {
        if (!capabilities.Reasoning)
        {
            return false;
        }

        if (string.IsNullOrEmpty(signature))
        {
            return capabilities.SignatureFamily is null;
        }

        return family is not null && string.Equals(family, capabilities.SignatureFamily, StringComparison.Ordinal);
    }
}

/// <summary>What <see cref="CapabilityGuard.Apply"/> removed from a request, for the caller to record.</summary>
/// <param name="StrippedReasoningState">Reasoning blocks and signatures of another provider family that were removed.</param>
/// <param name="StrippedCacheMarkers">Prompt-cache markers the target cannot honour that were removed.</param>
/// <param name="DroppedBetas">Anthropic beta names not forwarded because the target does not accept them.</param>
public sealed record CapabilityReport(int StrippedReasoningState, int StrippedCacheMarkers, int DroppedBetas)
{
    /// <summary>Whether anything was removed.</summary>
    public bool IsEmpty => StrippedReasoningState == 0 && StrippedCacheMarkers == 0 && DroppedBetas == 0;
}
