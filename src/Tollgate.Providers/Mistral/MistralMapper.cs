using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Mistral;

/// <summary>
/// Pure canonical &lt;-&gt; Mistral chat completion mapping (https://docs.mistral.ai/api/#tag/chat). Mistral's format is
/// close to OpenAI's with these differences: <c>random_seed</c> for <c>seed</c>, <c>tool_choice</c> <c>any</c> for
/// "required", nine-character tool call ids (<see cref="MistralToolCallIds"/>), content chunks that include
/// <c>document_url</c> and <c>thinking</c> (Magistral models), <c>model_length</c> and <c>error</c> finish reasons, and no
/// <c>stream_options</c> (streamed answers carry usage in their last chunk on their own).
/// </summary>
public static class MistralMapper
{
    // Fields that only label or store a request and never change the answer; they are not sent.
    private static readonly HashSet<string> MetadataOnly = new(StringComparer.Ordinal) { "store", "metadata", "service_tier", "safety_identifier", "prompt_cache_key" };

    /// <summary>Writes the request body.</summary>
    /// <exception cref="ProviderException">The request needs something Mistral cannot express (400, naming it).</exception>
    public static void WriteRequest(Utf8JsonWriter writer, ChatRequest request, bool stream, string providerName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WritePropertyName("messages");
        writer.WriteStartArray();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            WriteMessage(writer, request.Messages[i], i, providerName);
        }

        writer.WriteEndArray();
        WriteNumber(writer, "temperature", request.Temperature);
        WriteNumber(writer, "top_p", request.TopP);
        if (request.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber("max_tokens", maxTokens);
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            writer.WritePropertyName("stop");
            writer.WriteStartArray();
            foreach (var s in stop)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
        }

        if (request.Seed is { } seed)
        {
            writer.WriteNumber("random_seed", seed);
        }

        if (request.N is { } n)
        {
            writer.WriteNumber("n", n);
        }

        WriteNumber(writer, "presence_penalty", request.PresencePenalty);
        WriteNumber(writer, "frequency_penalty", request.FrequencyPenalty);
        WriteResponseFormat(writer, request.ResponseFormat);
        WriteTools(writer, request, providerName);
        if (request.Reasoning is { Enabled: true })
        {
            // Magistral's reasoning system prompt; its answers then carry `thinking` chunks.
            writer.WriteString("prompt_mode", "reasoning");
        }

        if (request.AdditionalProperties is { } additional)
        {
            foreach (var (name, value) in additional)
            {
                if (name == "prediction" && value is not null)
                {
                    // Mistral documents predicted outputs in OpenAI's shape ({"type":"content","content":...}).
                    writer.WritePropertyName("prediction");
                    value.WriteTo(writer);
                }
                else if (!MetadataOnly.Contains(name))
                {
                    throw ProviderException.Unsupported(providerName, $"The request field '{name}'");
                }
            }
        }

        writer.WriteBoolean("stream", stream);
        writer.WriteEndObject();
    }

    /// <summary>Writes an embeddings request (<c>POST /v1/embeddings</c>); vectors are always asked for as floats.</summary>
    public static void WriteEmbeddingRequest(Utf8JsonWriter writer, EmbeddingRequest request)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WritePropertyName("input");
        writer.WriteStartArray();
        foreach (var input in request.Inputs)
        {
            writer.WriteStringValue(input);
        }

        writer.WriteEndArray();
        if (request.Dimensions is { } dimensions)
        {
            writer.WriteNumber("output_dimension", dimensions);
        }

        writer.WriteString("output_dtype", "float");
        writer.WriteEndObject();
    }

    /// <summary>Parses a non-streamed answer.</summary>
    /// <exception cref="ProviderException">The answer is not a chat completion, or Mistral stopped with <c>error</c> (502).</exception>
    public static ChatResponse ParseResponse(ReadOnlySpan<byte> json, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("The Mistral upstream's answer has no choices.", null);
            }

            var list = new List<ChatChoice>();
            foreach (var choice in choices.EnumerateArray())
            {
                var index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : list.Count;
                var parts = new List<ContentPart>();
                List<ToolCall>? calls = null;
                if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
                {
                    if (message.TryGetProperty("content", out var content))
                    {
                        ReadContent(content, parts);
                    }

                    if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
                    {
                        calls = [];
                        foreach (var call in toolCalls.EnumerateArray())
                        {
                            var function = call.GetProperty("function");
                            calls.Add(new ToolCall(GetString(call, "id") ?? string.Empty, GetString(function, "name") ?? string.Empty, Arguments(function)));
                        }
                    }
                }

                var finish = ParseFinishReason(GetString(choice, "finish_reason"));
                list.Add(new ChatChoice(index, new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = calls }, finish));
            }

            var created = root.TryGetProperty("created", out var c) && c.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : time.GetUtcNow();
            return new ChatResponse
            {
                Id = GetString(root, "id") ?? "chatcmpl-mistral",
                Model = GetString(root, "model") ?? string.Empty,
                Created = created,
                Choices = list,
                Usage = root.TryGetProperty("usage", out var usage) ? ReadUsage(usage) : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid("The Mistral upstream's answer is not a valid chat completion.", ex);
        }
    }

    /// <summary>Parses one streamed chunk into updates (one per choice, plus one for usage).</summary>
    public static void ParseChunk(ReadOnlySpan<byte> json, List<ChatStreamUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var id = GetString(root, "id");
            var model = GetString(root, "model");
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    ParseChoiceDelta(choice, id, model, updates);
                }
            }

            if (root.TryGetProperty("usage", out var usageElement) && ReadUsage(usageElement) is { } usage)
            {
                updates.Add(new ChatStreamUpdate { Id = id, Model = model, Usage = usage });
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid("The Mistral upstream sent a stream chunk that is not valid JSON.", ex);
        }
    }

    /// <summary>
    /// Mistral's usage: <c>prompt_tokens</c> and <c>completion_tokens</c>, already in the canonical semantics (no
    /// separately billed cache or reasoning counts are reported).
    /// </summary>
    public static ChatUsage? ReadUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ChatUsage
        {
            InputTokens = GetLong(usage, "prompt_tokens"),
            OutputTokens = GetLong(usage, "completion_tokens"),
        };
    }

    /// <summary>Maps Mistral's finish reason; <c>error</c> fails the request.</summary>
    public static FinishReason? ParseFinishReason(string? reason) => reason switch
    {
        null => null,
        "stop" => FinishReason.Stop,
        "length" or "model_length" => FinishReason.Length,
        "tool_calls" => FinishReason.ToolCalls,
        "error" => throw new ProviderException(ProviderErrorKind.Upstream, 502, "The Mistral upstream stopped generating with an error (finish_reason: error).")
        {
            ErrorType = "api_error",
            ErrorCode = "upstream_error",
        },
        _ => FinishReason.Stop,
    };

    private static void ParseChoiceDelta(JsonElement choice, string? id, string? model, List<ChatStreamUpdate> updates)
    {
        var index = choice.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
        string? text = null, thinking = null;
        ChatRole? role = null;
        List<ToolCallUpdate>? calls = null;
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            role = GetString(delta, "role") == "assistant" ? ChatRole.Assistant : null;
            if (delta.TryGetProperty("content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    text = content.GetString();
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var parts = new List<ContentPart>();
                    ReadContent(content, parts);
                    text = Concat(parts.OfType<TextPart>().Select(p => p.Text));
                    thinking = Concat(parts.OfType<ThinkingPart>().Select(p => p.Text));
                }
            }

            if (delta.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                calls = [];
                var position = 0;
                foreach (var call in toolCalls.EnumerateArray())
                {
                    var callIndex = call.TryGetProperty("index", out var ci) && ci.TryGetInt32(out var cn) ? cn : position;
                    var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
                    calls.Add(new ToolCallUpdate(
                        callIndex,
                        GetString(call, "id"),
                        function.ValueKind == JsonValueKind.Object ? GetString(function, "name") : null,
                        function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out _) ? Arguments(function) : null));
                    position++;
                }
            }
        }

        var finish = ParseFinishReason(GetString(choice, "finish_reason"));
        if (role is null && text is null && thinking is null && calls is null && finish is null)
        {
            return;
        }

        updates.Add(new ChatStreamUpdate
        {
            Id = id,
            Model = model,
            ChoiceIndex = index,
            Role = role,
            TextDelta = string.IsNullOrEmpty(text) ? null : text,
            ThinkingDelta = string.IsNullOrEmpty(thinking) ? null : thinking,
            ToolCalls = calls,
            FinishReason = finish,
        });
    }

    private static string? Concat(IEnumerable<string> texts)
    {
        var joined = string.Concat(texts);
        return joined.Length == 0 ? null : joined;
    }

    // Content is a string, null, or chunks: text, thinking (its own list of text chunks), and others (references)
    // that carry no answer text.
    private static void ReadContent(JsonElement content, List<ContentPart> parts)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString()!;
            if (text.Length > 0)
            {
                parts.Add(new TextPart(text));
            }

            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var chunk in content.EnumerateArray())
        {
            switch (GetString(chunk, "type"))
            {
                case "text":
                    parts.Add(new TextPart(GetString(chunk, "text") ?? string.Empty));
                    break;
                case "thinking" when chunk.TryGetProperty("thinking", out var thinking):
                    var inner = new List<ContentPart>();
                    ReadContent(thinking, inner);
                    parts.Add(new ThinkingPart(string.Concat(inner.OfType<TextPart>().Select(p => p.Text))));
                    break;
            }
        }
    }

    // Mistral returns arguments as a JSON string, or (in some SDK paths) as an object.
    private static string Arguments(JsonElement function) =>
        function.TryGetProperty("arguments", out var args) ? args.ValueKind switch
        {
            JsonValueKind.String => args.GetString()!,
            JsonValueKind.Object => args.GetRawText(),
            _ => "{}",
        } : "{}";

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message, int index, string providerName)
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
                WriteContent(writer, message, index, providerName);
                break;
            case ChatRole.Assistant:
                writer.WriteString("role", "assistant");
                WriteContent(writer, message, index, providerName);
                if (message.ToolCalls is { Count: > 0 } calls)
                {
                    writer.WritePropertyName("tool_calls");
                    writer.WriteStartArray();
                    foreach (var call in calls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", MistralToolCallIds.ToMistral(call.Id));
                        writer.WriteString("type", "function");
                        writer.WritePropertyName("function");
                        writer.WriteStartObject();
                        writer.WriteString("name", call.Name);
                        writer.WriteString("arguments", call.ArgumentsJson);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                break;
            case ChatRole.Tool:
                writer.WriteString("role", "tool");
                writer.WriteString("tool_call_id", MistralToolCallIds.ToMistral(message.ToolCallId ?? string.Empty));
                if (message.Name is { } name)
                {
                    writer.WriteString("name", name);
                }

                writer.WriteString("content", TextOnly(message, index, providerName, "A tool result"));
                break;
        }

        writer.WriteEndObject();
    }

    private static string TextOnly(ChatMessage message, int index, string providerName, string what)
    {
        foreach (var part in message.Parts)
        {
            if (part is not TextPart)
            {
                throw ProviderException.Unsupported(providerName, $"{what} with non-text content (messages[{index}])");
            }
        }

        return message.GetText();
    }

    private static void WriteContent(Utf8JsonWriter writer, ChatMessage message, int index, string providerName)
    {
        if (message.Parts.Count == 0)
        {
            if (message.Role == ChatRole.Assistant)
            {
                writer.WriteNull("content");
            }
            else
            {
                writer.WriteString("content", string.Empty);
            }

            return;
        }

        if (message.Parts.Count == 1 && message.Parts[0] is TextPart single)
        {
            writer.WriteString("content", single.Text);
            return;
        }

        writer.WritePropertyName("content");
        writer.WriteStartArray();
        foreach (var part in message.Parts)
        {
            writer.WriteStartObject();
            switch (part)
            {
                case TextPart text:
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                    break;
                case ImagePart image when message.Role == ChatRole.User:
                    // A URL or a data: URI (https://docs.mistral.ai/capabilities/vision/).
                    writer.WriteString("type", "image_url");
                    if (image.Detail is { } detail)
                    {
                        writer.WriteStartObject("image_url");
                        writer.WriteString("url", image.Url);
                        writer.WriteString("detail", detail);
                        writer.WriteEndObject();
                    }
                    else
                    {
                        writer.WriteString("image_url", image.Url);
                    }

                    break;
                case DocumentPart { Url: { } url } document when message.Role == ChatRole.User:
                    // Document QnA takes documents by URL (https://docs.mistral.ai/capabilities/document_qna/).
                    writer.WriteString("type", "document_url");
                    writer.WriteString("document_url", url);
                    if ((document.FileName ?? document.Title) is { } documentName)
                    {
                        writer.WriteString("document_name", documentName);
                    }

                    break;
                case DocumentPart:
                    throw ProviderException.Unsupported(providerName, $"A document not given by URL (messages[{index}]); Mistral takes documents as document_url");
                case ThinkingPart thinking when message.Role == ChatRole.Assistant:
                    writer.WriteString("type", "thinking");
                    writer.WritePropertyName("thinking");
                    writer.WriteStartArray();
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", thinking.Text);
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"{part.GetType().Name} content in a {message.Role.ToString().ToLowerInvariant()} message (messages[{index}])");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormat? format)
    {
        if (format is null || format.Kind == ResponseFormatKind.Text)
        {
            return;
        }

        writer.WritePropertyName("response_format");
        writer.WriteStartObject();
        if (format.Kind == ResponseFormatKind.JsonObject)
        {
            writer.WriteString("type", "json_object");
        }
        else
        {
            writer.WriteString("type", "json_schema");
            writer.WritePropertyName("json_schema");
            writer.WriteStartObject();
            writer.WriteString("name", format.SchemaName ?? "response");
            if (format.Schema is { } schema)
            {
                writer.WritePropertyName("schema");
                schema.WriteTo(writer);
            }

            if (format.Strict is { } strict)
            {
                writer.WriteBoolean("strict", strict);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
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
                writer.WritePropertyName("function");
                writer.WriteStartObject();
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
                    writer.WriteStartObject("properties");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                if (tool.Strict is { } strict)
                {
                    writer.WriteBoolean("strict", strict);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (request.ToolChoice is { } choice)
        {
            switch (choice.Mode)
            {
                case ToolChoiceMode.Auto:
                    writer.WriteString("tool_choice", "auto");
                    break;
                case ToolChoiceMode.None:
                    writer.WriteString("tool_choice", "none");
                    break;
                case ToolChoiceMode.Required:
                    // Mistral's "any" forces a tool call ("required" is its alias).
                    writer.WriteString("tool_choice", "any");
                    break;
                case ToolChoiceMode.Function:
                    writer.WriteStartObject("tool_choice");
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", choice.FunctionName ?? throw ProviderException.Unsupported(providerName, "A named tool_choice without a name"));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
            }
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls", parallel);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static ProviderException Invalid(string message, Exception? inner) =>
        new(ProviderErrorKind.InvalidResponse, 502, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "invalid_upstream_response",
        };

    private static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long GetLong(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
}
