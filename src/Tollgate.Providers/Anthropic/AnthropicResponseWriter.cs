using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Writes a canonical <see cref="ChatResponse"/> as an Anthropic Messages API answer
/// (https://docs.claude.com/en/api/messages): for Anthropic clients served by a provider of another format.
/// </summary>
/// <remarks>
/// Content blocks follow the canonical order: the first choice's thinking and text parts as they come, then its tool
/// calls. Reasoning made by another signature family (a Gemini thought, say) is left out: an Anthropic client would
/// send it back as a <c>thinking</c> block that no model could verify. A tool call's arguments must be a JSON object
/// (<c>tool_use.input</c> is one); anything else the provider produced is a 502, never a silently emptied input.
/// </remarks>
public static class AnthropicResponseWriter
{
    /// <summary>Writes <paramref name="response"/>; <paramref name="model"/> is the model name the client asked for.</summary>
    /// <exception cref="ProviderException">A tool call's arguments are not a JSON object (502, <c>invalid_upstream_response</c>).</exception>
    public static void Write(Utf8JsonWriter writer, ChatResponse response, string model)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        var choice = response.Choices.Count > 0 ? response.Choices[0] : null;
        writer.WriteStartObject();
        writer.WriteString("id", MessageId(response.Id));
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", model);
        writer.WriteStartArray("content");
        if (choice is not null)
        {
            WriteContent(writer, choice.Message);
        }

        writer.WriteEndArray();
        WriteNullable(writer, "stop_reason", StopReason(choice?.FinishReason, choice?.StopSequence));
        WriteNullable(writer, "stop_sequence", choice?.FinishReason is FinishReason.Stop or null ? choice?.StopSequence : null);
        writer.WritePropertyName("usage");
        WriteUsage(writer, response.Usage, includeOutput: true);
        writer.WriteEndObject();
    }

    /// <summary>An Anthropic-style message id: the provider's own when it already is one, else <c>msg_</c> and the provider's.</summary>
    public static string MessageId(string? id) =>
        string.IsNullOrEmpty(id) ? "msg_" + Guid.NewGuid().ToString("N") : id.StartsWith("msg_", StringComparison.Ordinal) ? id : "msg_" + id;

    /// <summary>The Anthropic <c>stop_reason</c> for a canonical finish reason.</summary>
    public static string? StopReason(FinishReason? reason, string? stopSequence) => reason switch
    {
        FinishReason.Stop => stopSequence is null ? "end_turn" : "stop_sequence",
        FinishReason.Length => "max_tokens",
        FinishReason.ToolCalls => "tool_use",
        FinishReason.ContentFilter => "refusal",
        null => stopSequence is null ? "end_turn" : "stop_sequence",
        _ => "end_turn",
    };

    /// <summary>
    /// Writes the usage object. Anthropic's <c>input_tokens</c> excludes the tokens read from or written to the prompt
    /// cache, which it reports beside it; canonical input tokens include them.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, ChatUsage? usage, bool includeOutput)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        var cacheRead = usage?.CachedInputTokens ?? 0;
        var cacheWrite = usage?.CacheWriteTokens ?? 0;
        writer.WriteNumber("input_tokens", Math.Max(0, (usage?.InputTokens ?? 0) - cacheRead - cacheWrite));
        writer.WriteNumber("cache_creation_input_tokens", cacheWrite);
        writer.WriteNumber("cache_read_input_tokens", cacheRead);
        if (includeOutput)
        {
            writer.WriteNumber("output_tokens", usage?.OutputTokens ?? 0);
        }

        writer.WriteEndObject();
    }

    /// <summary>Whether reasoning of <paramref name="family"/> may be shown to an Anthropic client.</summary>
    public static bool IsAnthropicFamily(string? family) => family is null || family == SignatureFamilies.Anthropic;

    /// <summary>
    /// Writes a tool call's arguments as the JSON object Anthropic's <c>input</c> is; empty arguments are <c>{}</c>.
    /// </summary>
    /// <exception cref="ProviderException">The arguments are not a JSON object.</exception>
    public static void WriteToolInput(Utf8JsonWriter writer, string? argumentsJson, string toolName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw InvalidToolArguments(toolName);
    }

    /// <summary>The 502 for a provider's tool call whose arguments are not a JSON object.</summary>
    public static ProviderException InvalidToolArguments(string toolName) =>
        new(ProviderErrorKind.InvalidResponse, 502, $"The provider returned a call to tool '{toolName}' whose arguments are not a JSON object; it cannot be given to an Anthropic client as tool_use input.")
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private static void WriteContent(Utf8JsonWriter writer, ChatMessage message)
    {
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case ThinkingPart thinking when IsAnthropicFamily(thinking.SignatureFamily):
                    writer.WriteStartObject();
                    writer.WriteString("type", "thinking");
                    writer.WriteString("thinking", thinking.Text);
                    writer.WriteString("signature", thinking.Signature ?? string.Empty);
                    writer.WriteEndObject();
                    break;
                case RedactedThinkingPart redacted when IsAnthropicFamily(redacted.SignatureFamily):
                    writer.WriteStartObject();
                    writer.WriteString("type", "redacted_thinking");
                    writer.WriteString("data", redacted.Data);
                    writer.WriteEndObject();
                    break;
                case TextPart text:
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                    if (text.Citations is { ValueKind: JsonValueKind.Array } citations)
                    {
                        writer.WritePropertyName("citations");
                        citations.WriteTo(writer);
                    }

                    writer.WriteEndObject();
                    break;
            }
        }

        if (!string.IsNullOrEmpty(message.Refusal) && !message.Parts.OfType<TextPart>().Any())
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", message.Refusal);
            writer.WriteEndObject();
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_use");
            writer.WriteString("id", AnthropicToolUseIds.Encode(call.Id, call.Signature, call.SignatureFamily));
            writer.WriteString("name", call.Name);
            writer.WritePropertyName("input");
            WriteToolInput(writer, call.ArgumentsJson, call.Name);
            writer.WriteEndObject();
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
