using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>Maps <c>chat.completion.chunk</c> events to <see cref="ChatStreamUpdate"/> and back.</summary>
/// <remarks>
/// Reasoning is written as in <see cref="OpenAIResponseMapper"/>: each <see cref="ChatStreamUpdate.ThinkingDelta"/> as
/// <c>delta.reasoning_content</c>; a Claude <see cref="ChatStreamUpdate.ThinkingSignature"/>, which closes the block
/// whose text came before it, as <c>delta.thinking_blocks: [{"type":"thinking","thinking":"","signature":"..."}]</c>;
/// a <see cref="ChatStreamUpdate.RedactedThinking"/> as <c>delta.thinking_blocks: [{"type":"redacted_thinking","data":"..."}]</c>.
/// A client rebuilds each thinking block as the <c>reasoning_content</c> since the previous block plus the signature.
/// The first piece of a tool call carries its Gemini thought signature in its id (<see cref="OpenAIToolCallIds"/>).
/// </remarks>
public static class OpenAIStreamMapper
{
    /// <summary>Parses one chunk; a chunk with several choices yields one update per choice, a usage chunk one usage update.</summary>
    public static void Parse(ReadOnlySpan<byte> utf8Json, List<ChatStreamUpdate> updates)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    updates.Add(ParseChoice(choice, id, model));
                }
            }

            if (root.TryGetProperty("usage", out var usageElement) && OpenAIUsageReader.Read(usageElement) is { } usage)
            {
                updates.Add(new ChatStreamUpdate { Id = id, Model = model, Usage = usage });
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The upstream sent a stream chunk that is not valid JSON.", ex)
            {
                ErrorType = "api_error",
            };
        }
    }

    /// <summary>Writes one update as a chunk; usage updates become chunks with <c>"choices":[]</c>.</summary>
    public static void Write(Utf8JsonWriter writer, ChatStreamUpdate update, string id, string model, long created, bool includeUsageField)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        if (update.Usage is null)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", update.ChoiceIndex);
            writer.WriteStartObject("delta");
            if (update.Role is not null)
            {
                writer.WriteString("role", "assistant");
            }

            if (update.TextDelta is not null)
            {
                writer.WriteString("content", update.TextDelta);
            }
            else if (update.Role is not null)
            {
                writer.WriteString("content", string.Empty);
            }

            if (update.ThinkingDelta is not null)
            {
                writer.WriteString("reasoning_content", update.ThinkingDelta);
            }

            var claudeState = update.SignatureFamily is null or SignatureFamilies.Anthropic;
            if (claudeState && (!string.IsNullOrEmpty(update.ThinkingSignature) || !string.IsNullOrEmpty(update.RedactedThinking)))
            {
                writer.WriteStartArray("thinking_blocks");
                if (!string.IsNullOrEmpty(update.ThinkingSignature))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "thinking");
                    writer.WriteString("thinking", string.Empty);
                    writer.WriteString("signature", update.ThinkingSignature);
                    writer.WriteEndObject();
                }

                if (!string.IsNullOrEmpty(update.RedactedThinking))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "redacted_thinking");
                    writer.WriteString("data", update.RedactedThinking);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (update.ToolCalls is { Count: > 0 } calls)
            {
                writer.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", call.Index);
                    if (call.Id is not null)
                    {
                        writer.WriteString("id", OpenAIToolCallIds.Encode(call.Id, call.Signature, call.SignatureFamily));
                        writer.WriteString("type", "function");
                    }

                    writer.WriteStartObject("function");
                    if (call.Name is not null)
                    {
                        writer.WriteString("name", call.Name);
                    }

                    writer.WriteString("arguments", call.ArgumentsDelta ?? string.Empty);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            OpenAIResponseMapper.WriteFinishReason(writer, update.FinishReason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (update.Usage is { } usage)
        {
            OpenAIResponseMapper.WriteUsage(writer, usage);
        }
        else if (includeUsageField)
        {
            writer.WriteNull("usage");
        }

        writer.WriteEndObject();
    }

    private static ChatStreamUpdate ParseChoice(JsonElement choice, string? id, string? model)
    {
        var index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        ChatRole? role = null;
        string? text = null;
        string? thinking = null;
        List<ToolCallUpdate>? calls = null;
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if (delta.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String)
            {
                role = ChatRole.Assistant;
            }

            if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            {
                text = c.GetString();
            }

            if (OpenAIResponseMapper.ReasoningText(delta) is { } reasoningText)
            {
                thinking = reasoningText;
            }

            if (delta.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array)
            {
                calls = [];
                foreach (var call in tc.EnumerateArray())
                {
                    var callIndex = call.TryGetProperty("index", out var ci) && ci.TryGetInt32(out var cin) ? cin : 0;
                    var callId = call.TryGetProperty("id", out var cid) && cid.ValueKind == JsonValueKind.String ? cid.GetString() : null;
                    string? name = null, args = null;
                    if (call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object)
                    {
                        name = f.TryGetProperty("name", out var fn) && fn.ValueKind == JsonValueKind.String ? fn.GetString() : null;
                        args = f.TryGetProperty("arguments", out var fa) && fa.ValueKind == JsonValueKind.String ? fa.GetString() : null;
                    }

                    calls.Add(new ToolCallUpdate(callIndex, callId, name, args));
                }
            }
        }

        return new ChatStreamUpdate
        {
            Id = id,
            Model = model,
            ChoiceIndex = index,
            Role = role,
            TextDelta = text,
            ThinkingDelta = string.IsNullOrEmpty(thinking) ? null : thinking,
            ToolCalls = calls,
            FinishReason = choice.TryGetProperty("finish_reason", out var finish) ? OpenAIResponseMapper.ParseFinishReason(finish) : null,
        };
    }
}
