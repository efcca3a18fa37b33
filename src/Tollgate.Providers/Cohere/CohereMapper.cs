using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Pure canonical &lt;-&gt; Cohere v2 mapping (https://docs.cohere.com/reference/chat): messages with roles
/// system/user/assistant/tool, <c>p</c> and <c>k</c> for top-p and top-k, <c>stop_sequences</c>, <c>tool_choice</c>
/// <c>REQUIRED</c>/<c>NONE</c>, <c>response_format</c> <c>json_object</c> with an optional <c>json_schema</c>,
/// <c>thinking</c> for reasoning models, and text documents in the top-level <c>documents</c> list. An assistant's
/// <c>tool_plan</c> (the text it writes before calling tools) is answer text in the canonical model and goes back as
/// <c>tool_plan</c> on assistant messages that call tools.
/// </summary>
public static class CohereMapper
{
    private static readonly HashSet<string> MetadataOnly = new(StringComparer.Ordinal) { "store", "metadata", "service_tier", "safety_identifier", "prompt_cache_key" };

    /// <summary>Writes the <c>/v2/chat</c> body.</summary>
    /// <exception cref="ProviderException">The request needs something Cohere cannot express (400, naming it).</exception>
    public static void WriteRequest(Utf8JsonWriter writer, ChatRequest request, bool stream, string providerName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        if (request.ParallelToolCalls == false)
        {
            throw ProviderException.Unsupported(providerName, "parallel_tool_calls: false");
        }

        if (request.AdditionalProperties is { } additional && additional.Select(p => p.Key).FirstOrDefault(k => !MetadataOnly.Contains(k)) is { } unknown)
        {
            throw ProviderException.Unsupported(providerName, $"The request field '{unknown}'");
        }

        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteBoolean("stream", stream);
        writer.WritePropertyName("messages");
        writer.WriteStartArray();
        var documents = new List<DocumentPart>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            WriteMessage(writer, request.Messages[i], i, providerName, documents);
        }

        writer.WriteEndArray();
        if (documents.Count > 0)
        {
            writer.WritePropertyName("documents");
            writer.WriteStartArray();
            foreach (var document in documents)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("data");
                if (document.Title is { } title)
                {
                    writer.WriteString("title", title);
                }

                writer.WriteString("text", document.Text);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteTools(writer, request, providerName);
        WriteResponseFormat(writer, request.ResponseFormat);
        if (request.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber("max_tokens", maxTokens);
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            writer.WritePropertyName("stop_sequences");
            writer.WriteStartArray();
            foreach (var s in stop)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
        }

        WriteNumber(writer, "temperature", request.Temperature);
        if (request.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        WriteNumber(writer, "frequency_penalty", request.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty", request.PresencePenalty);
        if (request.TopK is { } k)
        {
            writer.WriteNumber("k", k);
        }

        WriteNumber(writer, "p", request.TopP);
        if (request.Reasoning is { } reasoning)
        {
            // https://docs.cohere.com/docs/reasoning: {"type":"enabled"|"disabled","token_budget":N}.
            writer.WriteStartObject("thinking");
            writer.WriteString("type", reasoning.Enabled ? "enabled" : "disabled");
            var budget = reasoning.BudgetTokens ?? (reasoning.Effort is { } effort ? ReasoningOptions.EffortBudgets(effort) : null);
            if (reasoning.Enabled && budget is { } tokens)
            {
                writer.WriteNumber("token_budget", tokens);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a <c>/v2/embed</c> body; vectors are asked for as floats.</summary>
    public static void WriteEmbeddingRequest(Utf8JsonWriter writer, EmbeddingRequest request, string inputType)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WritePropertyName("texts");
        writer.WriteStartArray();
        foreach (var text in request.Inputs)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
        writer.WriteString("input_type", inputType);
        writer.WritePropertyName("embedding_types");
        writer.WriteStartArray();
        writer.WriteStringValue("float");
        writer.WriteEndArray();
        if (request.Dimensions is { } dimensions)
        {
            writer.WriteNumber("output_dimension", dimensions);
        }

        writer.WriteEndObject();
    }

    /// <summary>Parses a <c>/v2/embed</c> answer: <c>embeddings.float</c>, and <c>meta.billed_units.input_tokens</c>.</summary>
    public static EmbeddingResponse ParseEmbeddingResponse(ReadOnlySpan<byte> json, string model)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var vectors = new List<float[]>();
            foreach (var item in root.GetProperty("embeddings").GetProperty("float").EnumerateArray())
            {
                var vector = new float[item.GetArrayLength()];
                var i = 0;
                foreach (var value in item.EnumerateArray())
                {
                    vector[i++] = value.GetSingle();
                }

                vectors.Add(vector);
            }

            var tokens = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("billed_units", out var billed) ? GetLong(billed, "input_tokens") : 0;
            return new EmbeddingResponse(model, vectors, tokens);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid("The Cohere upstream's embeddings answer is not valid.", ex);
        }
    }

    /// <summary>Parses a non-streamed <c>/v2/chat</c> answer.</summary>
    public static ChatResponse ParseResponse(ReadOnlySpan<byte> json, string model, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var message = root.GetProperty("message");
            var parts = new List<ContentPart>();
            if (GetString(message, "tool_plan") is { Length: > 0 } plan)
            {
                parts.Add(new TextPart(plan));
            }

            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in content.EnumerateArray())
                {
                    switch (GetString(item, "type"))
                    {
                        case "text":
                            parts.Add(new TextPart(GetString(item, "text") ?? string.Empty));
                            break;
                        case "thinking":
                            parts.Insert(0, new ThinkingPart(GetString(item, "thinking") ?? string.Empty));
                            break;
                    }
                }
            }

            List<ToolCall>? calls = null;
            if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                calls = [];
                foreach (var call in toolCalls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    calls.Add(new ToolCall(GetString(call, "id") ?? string.Empty, GetString(function, "name") ?? string.Empty, GetString(function, "arguments") ?? "{}"));
                }
            }

            var finish = ParseFinishReason(GetString(root, "finish_reason"));
            return new ChatResponse
            {
                Id = GetString(root, "id") ?? "cohere",
                Model = model,
                Created = time.GetUtcNow(),
                Choices = [new ChatChoice(0, new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = calls }, finish)],
                Usage = root.TryGetProperty("usage", out var usage) ? ReadUsage(usage) : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid("The Cohere upstream's answer is not a valid chat response.", ex);
        }
    }

    /// <summary>
    /// Cohere reports <c>usage.billed_units</c> (what it charges: input and output tokens of the conversation) and
    /// <c>usage.tokens</c> (every token the model saw, prompt template included). The canonical usage is what is paid
    /// for: <c>billed_units</c>, or <c>tokens</c> when an answer has no billed units.
    /// </summary>
    public static ChatUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var source = usage.TryGetProperty("billed_units", out var billed) && billed.ValueKind == JsonValueKind.Object ? billed
            : usage.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Object ? tokens
            : default;
        return source.ValueKind != JsonValueKind.Object ? null : new ChatUsage
        {
            InputTokens = GetLong(source, "input_tokens"),
            OutputTokens = GetLong(source, "output_tokens"),
        };
    }

    /// <summary>Maps Cohere's finish reason; <c>ERROR</c> and <c>TIMEOUT</c> fail the request.</summary>
    public static FinishReason? ParseFinishReason(string? reason) => reason switch
    {
        null => null,
        "COMPLETE" or "STOP_SEQUENCE" => FinishReason.Stop,
        "MAX_TOKENS" => FinishReason.Length,
        "TOOL_CALL" => FinishReason.ToolCalls,
        "ERROR" => throw new ProviderException(ProviderErrorKind.Upstream, 502, "The Cohere upstream stopped generating with an error (finish_reason: ERROR).")
        {
            ErrorType = "api_error",
            ErrorCode = "upstream_error",
        },
        "TIMEOUT" => throw new ProviderException(ProviderErrorKind.Timeout, 504, "The Cohere upstream stopped generating: it timed out (finish_reason: TIMEOUT).")
        {
            ErrorType = "timeout_error",
            ErrorCode = "upstream_timeout",
        },
        _ => FinishReason.Stop,
    };

    internal static ProviderException Invalid(string message, Exception? inner) =>
        new(ProviderErrorKind.InvalidResponse, 502, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    internal static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long GetLong(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.TryGetDouble(out var n) ? (long)n : 0;

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message, int index, string providerName, List<DocumentPart> documents)
    {
        writer.WriteStartObject();
        switch (message.Role)
        {
            case ChatRole.System or ChatRole.Developer:
                writer.WriteString("role", "system");
                writer.WriteString("content", TextOnly(message, index, providerName, "A system message"));
                break;
            case ChatRole.User:
                writer.WriteString("role", "user");
                WriteUserContent(writer, message, index, providerName, documents);
                break;
            case ChatRole.Assistant:
                writer.WriteString("role", "assistant");

                // Cohere documents only text content on assistant messages; earlier reasoning is not sent back.
                var text = string.Concat(message.Parts.OfType<TextPart>().Select(p => p.Text));
                if (message.Parts.FirstOrDefault(p => p is not (TextPart or ThinkingPart or RedactedThinkingPart)) is { } other)
                {
                    throw ProviderException.Unsupported(providerName, $"{other.GetType().Name} content in an assistant message (messages[{index}])");
                }

                if (message.ToolCalls is { Count: > 0 } calls)
                {
                    if (text.Length > 0)
                    {
                        writer.WriteString("tool_plan", text);
                    }

                    writer.WritePropertyName("tool_calls");
                    writer.WriteStartArray();
                    foreach (var call in calls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", call.Id);
                        writer.WriteString("type", "function");
                        writer.WriteStartObject("function");
                        writer.WriteString("name", call.Name);
                        writer.WriteString("arguments", call.ArgumentsJson);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    writer.WriteString("content", text);
                }

                break;
            case ChatRole.Tool:
                writer.WriteString("role", "tool");
                writer.WriteString("tool_call_id", message.ToolCallId ?? string.Empty);
                writer.WriteString("content", TextOnly(message, index, providerName, "A tool result"));
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteUserContent(Utf8JsonWriter writer, ChatMessage message, int index, string providerName, List<DocumentPart> documents)
    {
        var inline = new List<ContentPart>();
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case DocumentPart { Text: not null } document:
                    // Grounding documents travel in the top-level `documents` list.
                    documents.Add(document);
                    break;
                case DocumentPart:
                    throw ProviderException.Unsupported(providerName, $"A document other than plain text (messages[{index}]); Cohere takes text documents");
                case TextPart or ImagePart:
                    inline.Add(part);
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"{part.GetType().Name} content in a user message (messages[{index}])");
            }
        }

        if (inline.Count == 1 && inline[0] is TextPart single)
        {
            writer.WriteString("content", single.Text);
            return;
        }

        writer.WritePropertyName("content");
        writer.WriteStartArray();
        foreach (var part in inline)
        {
            writer.WriteStartObject();
            if (part is TextPart text)
            {
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
            }
            else
            {
                var image = (ImagePart)part;
                writer.WriteString("type", "image_url");
                writer.WriteStartObject("image_url");
                writer.WriteString("url", image.Url);
                if (image.Detail is { } detail)
                {
                    writer.WriteString("detail", detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static string TextOnly(ChatMessage message, int index, string providerName, string what)
    {
        if (message.Parts.FirstOrDefault(p => p is not TextPart) is not null)
        {
            throw ProviderException.Unsupported(providerName, $"{what} with non-text content (messages[{index}])");
        }

        return message.GetText();
    }

    private static void WriteTools(Utf8JsonWriter writer, ChatRequest request, string providerName)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            writer.WritePropertyName("tools");
            writer.WriteStartArray();
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description", description);
                }

                writer.WritePropertyName("parameters");
                if (tool.Parameters is { } parameters)
                {
                    parameters.WriteTo(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "object");
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (tools.Any(t => t.Strict == true))
            {
                writer.WriteBoolean("strict_tools", true);
            }
        }

        switch (request.ToolChoice?.Mode)
        {
            case ToolChoiceMode.Required:
                writer.WriteString("tool_choice", "REQUIRED");
                break;
            case ToolChoiceMode.None:
                writer.WriteString("tool_choice", "NONE");
                break;
            case ToolChoiceMode.Function:
                throw ProviderException.Unsupported(providerName, "Forcing one named tool (tool_choice with a function)");
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormat? format)
    {
        if (format is null || format.Kind == ResponseFormatKind.Text)
        {
            return;
        }

        writer.WriteStartObject("response_format");
        writer.WriteString("type", "json_object");
        if (format.Kind == ResponseFormatKind.JsonSchema && format.Schema is { } schema)
        {
            writer.WritePropertyName("json_schema");
            schema.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
