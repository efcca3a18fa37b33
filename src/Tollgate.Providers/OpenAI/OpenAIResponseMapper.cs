using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>Maps OpenAI <c>chat.completion</c> JSON to the canonical <see cref="ChatResponse"/> and back.</summary>
/// <remarks>
/// An answer's reasoning is written in the convention OpenAI-compatible hosts and LiteLLM use (docs/openai-api.md):
/// <c>message.reasoning_content</c> (all reasoning text, concatenated) and <c>message.thinking_blocks</c> (Claude's
/// blocks with their signatures, and redacted blocks as <c>data</c>), for the client to send back on its next turn.
/// Tool call ids carry Gemini thought signatures (<see cref="OpenAIToolCallIds"/>). Citations
/// (<see cref="TextPart.Citations"/>) are not written: OpenAI's <c>annotations</c> define only URL citations, with
/// no mapping for document locations; the stop sequence has no field either.
/// </remarks>
public static class OpenAIResponseMapper
{
    /// <summary>Parses an upstream's chat.completion body.</summary>
    public static ChatResponse Parse(ReadOnlySpan<byte> utf8Json, TimeProvider time)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var choices = new List<ChatChoice>();
            if (root.TryGetProperty("choices", out var choiceArray) && choiceArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choiceArray.EnumerateArray())
                {
                    choices.Add(ParseChoice(choice));
                }
            }

            return new ChatResponse
            {
                Id = root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "chatcmpl-unknown",
                Model = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString()! : string.Empty,
                Created = root.TryGetProperty("created", out var created) && created.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : time.GetUtcNow(),
                Choices = choices,
                Usage = root.TryGetProperty("usage", out var usage) ? OpenAIUsageReader.Read(usage) : null,
                SystemFingerprint = root.TryGetProperty("system_fingerprint", out var fp) && fp.ValueKind == JsonValueKind.String ? fp.GetString() : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The upstream sent a chat completion that is not valid JSON.", ex)
            {
                ErrorType = "api_error",
            };
        }
    }

    /// <summary>Writes a canonical response as a chat.completion object.</summary>
    public static void Write(Utf8JsonWriter writer, ChatResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", response.Created.ToUnixTimeSeconds());
        writer.WriteString("model", response.Model);
        writer.WriteStartArray("choices");
        foreach (var choice in response.Choices)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", choice.Index);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            var text = choice.Message.GetText();
            if (text.Length == 0 && choice.Message.ToolCalls is { Count: > 0 })
            {
                writer.WriteNull("content");
            }
            else
            {
                writer.WriteString("content", text);
            }

            if (choice.Message.Refusal is { } refusal)
            {
                writer.WriteString("refusal", refusal);
            }
            else
            {
                writer.WriteNull("refusal");
            }

            WriteReasoning(writer, choice.Message.Parts);
            if (choice.Message.ToolCalls is { Count: > 0 } calls)
            {
                WriteToolCalls(writer, calls);
            }

            writer.WriteEndObject();
            if (choice.Logprobs is { } logprobs)
            {
                writer.WritePropertyName("logprobs");
                logprobs.WriteTo(writer);
            }
            else
            {
                writer.WriteNull("logprobs");
            }

            WriteFinishReason(writer, choice.FinishReason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (response.Usage is { } usage)
        {
            WriteUsage(writer, usage);
        }

        if (response.SystemFingerprint is { } fingerprint)
        {
            writer.WriteString("system_fingerprint", fingerprint);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a <c>tool_calls</c> property for a client: ids carry Gemini thought signatures.</summary>
    public static void WriteToolCalls(Utf8JsonWriter writer, IList<ToolCall> calls) => WriteToolCalls(writer, calls, encodeSignatures: true);

    /// <summary>Writes a <c>tool_calls</c> property: function calls with their JSON-text arguments.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="calls">The calls.</param>
    /// <param name="encodeSignatures">Whether ids carry the calls' signatures (<see cref="OpenAIToolCallIds"/>).</param>
    public static void WriteToolCalls(Utf8JsonWriter writer, IList<ToolCall> calls, bool encodeSignatures)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(calls);
        writer.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", encodeSignatures ? OpenAIToolCallIds.Encode(call.Id, call.Signature, call.SignatureFamily) : call.Id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.ArgumentsJson);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes <c>reasoning_content</c> (the text of every <see cref="ThinkingPart"/>) and <c>thinking_blocks</c> (the
    /// Claude-family blocks: <c>{"type":"thinking","thinking","signature"}</c> and
    /// <c>{"type":"redacted_thinking","data"}</c>) when the message has reasoning; nothing otherwise.
    /// </summary>
    public static void WriteReasoning(Utf8JsonWriter writer, IList<ContentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(parts);
        if (!parts.Any(p => p is ThinkingPart or RedactedThinkingPart))
        {
            return;
        }

        if (parts.Any(p => p is ThinkingPart))
        {
            writer.WriteString("reasoning_content", string.Concat(parts.OfType<ThinkingPart>().Select(p => p.Text)));
        }

        var wroteBlocks = false;
        foreach (var part in parts)
        {
            switch (part)
            {
                case ThinkingPart { Signature.Length: > 0, SignatureFamily: SignatureFamilies.Anthropic } thinking:
                    StartBlocks(writer, ref wroteBlocks);
                    writer.WriteStartObject();
                    writer.WriteString("type", "thinking");
                    writer.WriteString("thinking", thinking.Text);
                    writer.WriteString("signature", thinking.Signature);
                    writer.WriteEndObject();
                    break;
                case RedactedThinkingPart { SignatureFamily: SignatureFamilies.Anthropic or null } redacted:
                    StartBlocks(writer, ref wroteBlocks);
                    writer.WriteStartObject();
                    writer.WriteString("type", "redacted_thinking");
                    writer.WriteString("data", redacted.Data);
                    writer.WriteEndObject();
                    break;
            }
        }

        if (wroteBlocks)
        {
            writer.WriteEndArray();
        }

        static void StartBlocks(Utf8JsonWriter writer, ref bool started)
        {
            if (!started)
            {
                writer.WriteStartArray("thinking_blocks");
                started = true;
            }
        }
    }

    /// <summary>Writes a <c>usage</c> property in OpenAI's shape.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, ChatUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.InputTokens);
        writer.WriteNumber("completion_tokens", usage.OutputTokens);
        writer.WriteNumber("total_tokens", usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CachedInputTokens);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>finish_reason</c>, null when unknown.</summary>
    public static void WriteFinishReason(Utf8JsonWriter writer, FinishReason? reason)
    {
        if (reason is { } r)
        {
            writer.WriteString("finish_reason", ToWire(r));
        }
        else
        {
            writer.WriteNull("finish_reason");
        }
    }

    /// <summary>The wire name of a finish reason.</summary>
    public static string ToWire(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        _ => "content_filter",
    };

    /// <summary>Parses a wire finish reason; unknown values are treated as <see cref="FinishReason.Stop"/>.</summary>
    public static FinishReason? ParseFinishReason(JsonElement value) => value.ValueKind != JsonValueKind.String ? null : value.GetString() switch
    {
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>The reasoning text of a message or delta: <c>reasoning_content</c>, else a string <c>reasoning</c>.</summary>
    internal static string? ReasoningText(JsonElement messageOrDelta)
    {
        if (messageOrDelta.TryGetProperty("reasoning_content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        return messageOrDelta.TryGetProperty("reasoning", out var reasoning) && reasoning.ValueKind == JsonValueKind.String ? reasoning.GetString() : null;
    }

    private static ChatChoice ParseChoice(JsonElement choice)
    {
        var index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        var parts = new List<ContentPart>();
        List<ToolCall>? calls = null;
        string? refusal = null;
        if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            // OpenAI-compatible hosts that reason return the reasoning text beside the answer: `reasoning_content`
            // (DeepSeek, Fireworks, vLLM before 0.10, LiteLLM) or `reasoning` (Groq, Together, OpenRouter, newer vLLM).
            if (ReasoningText(message) is { Length: > 0 } thought)
            {
                parts.Add(new ThinkingPart(thought));
            }

            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                parts.Add(new TextPart(content.GetString()!));
            }

            if (message.TryGetProperty("refusal", out var r) && r.ValueKind == JsonValueKind.String)
            {
                refusal = r.GetString();
            }

            if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                calls = [];
                foreach (var call in toolCalls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    calls.Add(new ToolCall(
                        call.GetProperty("id").GetString()!,
                        function.GetProperty("name").GetString()!,
                        function.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String ? args.GetString()! : "{}"));
                }
            }
        }

        JsonElement? logprobs = choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object ? lp.Clone() : null;
        var finish = choice.TryGetProperty("finish_reason", out var f) ? ParseFinishReason(f) : null;
        return new ChatChoice(index, new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = calls, Refusal = refusal }, finish, logprobs);
    }
}
