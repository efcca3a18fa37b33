using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Errors;

namespace Tollgate.Providers.OpenAI;

/// <summary>
/// Maps OpenAI Chat Completions request JSON to the canonical <see cref="ChatRequest"/> and back. Parsing validates
/// every field it models and fails with a 400 <see cref="GatewayException"/> naming the field (<c>messages[2].content</c>);
/// fields it does not model are kept verbatim in <see cref="ChatRequest.AdditionalProperties"/>. Writing lives in
/// OpenAIRequestMapper.Write.cs.
/// </summary>
/// <remarks>
/// Beyond OpenAI's own fields, parsing understands the extensions OpenAI clients use to reach other models (described
/// in docs/openai-api.md): <c>reasoning_effort</c>, <c>top_k</c>, <c>file</c> content parts, <c>cache_control</c> on
/// content parts, tools and tool messages, an assistant message's <c>reasoning_content</c> and <c>thinking_blocks</c>
/// (LiteLLM's convention), and tool call ids carrying a Gemini thought signature (<see cref="OpenAIToolCallIds"/>).
/// </remarks>
public static partial class OpenAIRequestMapper
{
    /// <summary>Parses a client's request body.</summary>
    public static ChatRequest Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = ParseDocument(utf8Json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw GatewayException.InvalidRequest("The request body must be a JSON object.");
        }

        var request = new ChatRequest
        {
            Model = RequiredString(root, "model"),
            Messages = ParseMessages(root),
        };

        JsonObject? additional = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model" or "messages":
                    break;
                case "tools":
                    request.Tools = value.ValueKind == JsonValueKind.Null ? null : ParseTools(value);
                    break;
                case "tool_choice":
                    request.ToolChoice = value.ValueKind == JsonValueKind.Null ? null : ParseToolChoice(value);
                    break;
                case "parallel_tool_calls":
                    request.ParallelToolCalls = OptionalBool(value, "parallel_tool_calls");
                    break;
                case "response_format":
                    request.ResponseFormat = value.ValueKind == JsonValueKind.Null ? null : ParseResponseFormat(value);
                    break;
                case "temperature":
                    request.Temperature = OptionalNumber(value, "temperature", 0, 2);
                    break;
                case "top_p":
                    request.TopP = OptionalNumber(value, "top_p", 0, 1);
                    break;
                case "max_tokens" or "max_completion_tokens":
                    request.MaxTokens = OptionalInt(value, property.Name, 1) ?? request.MaxTokens;
                    break;
                case "stop":
                    request.Stop = ParseStop(value);
                    break;
                case "seed":
                    request.Seed = value.ValueKind == JsonValueKind.Null ? null : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed) ? seed : throw InvalidType("seed", "an integer", value);
                    break;
                case "n":
                    request.N = OptionalInt(value, "n", 1, 128);
                    break;
                case "user":
                    request.User = OptionalString(value, "user");
                    break;
                case "logprobs":
                    request.Logprobs = OptionalBool(value, "logprobs");
                    break;
                case "top_logprobs":
                    request.TopLogprobs = OptionalInt(value, "top_logprobs", 0, 20);
                    break;
                case "presence_penalty":
                    request.PresencePenalty = OptionalNumber(value, "presence_penalty", -2, 2);
                    break;
                case "frequency_penalty":
                    request.FrequencyPenalty = OptionalNumber(value, "frequency_penalty", -2, 2);
                    break;
                case "stream":
                    request.Stream = OptionalBool(value, "stream") ?? false;
                    break;
                case "stream_options":
                    request.IncludeUsage = ParseStreamOptions(value);
                    break;
                case "reasoning_effort":
                    request.Reasoning = ParseReasoningEffort(value);
                    break;
                case "top_k":
                    request.TopK = OptionalInt(value, "top_k", 1);
                    break;
                default:
                    additional ??= [];
                    additional[property.Name] = JsonNode.Parse(value.GetRawText());
                    break;
            }
        }

        request.AdditionalProperties = additional;
        return request;
    }

    internal static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw GatewayException.InvalidRequest(
                $"We could not parse the JSON body of your request: {ex.Message}", code: "invalid_json");
        }
    }

    private static List<ChatMessage> ParseMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType("messages", "an array", messages);
        }

        if (messages.GetArrayLength() == 0)
        {
            throw GatewayException.InvalidRequest("'messages' must contain at least one message.", "messages");
        }

        var result = new List<ChatMessage>(messages.GetArrayLength());
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            result.Add(ParseMessage(message, $"messages[{index}]"));
            index++;
        }

        return result;
    }

    private static ChatMessage ParseMessage(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType(path, "an object", message);
        }

        var roleText = RequiredString(message, "role", path);
        var role = roleText switch
        {
            "system" => ChatRole.System,
            "developer" => ChatRole.Developer,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            _ => throw GatewayException.InvalidRequest(
                $"Invalid value: '{roleText}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", $"{path}.role", "invalid_value"),
        };

        var parts = new List<ContentPart>();
        if (role == ChatRole.Assistant)
        {
            ParseReasoning(message, path, parts);
        }

        if (message.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null)
        {
            ParseContent(content, $"{path}.content", role, parts);
        }
        else if (role is not ChatRole.Assistant)
        {
            throw GatewayException.InvalidRequest($"Missing required parameter: '{path}.content'.", $"{path}.content", "missing_required_parameter");
        }

        List<ToolCall>? toolCalls = null;
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
        {
            if (role != ChatRole.Assistant)
            {
                throw GatewayException.InvalidRequest("Only assistant messages may have 'tool_calls'.", $"{path}.tool_calls");
            }

            toolCalls = ParseToolCalls(calls, $"{path}.tool_calls");
        }

        string? toolCallId = null;
        CacheControl? messageMarker = null;
        if (role == ChatRole.Tool)
        {
            // The signature belongs to the call; the result names the call by its plain id.
            toolCallId = OpenAIToolCallIds.Decode(RequiredString(message, "tool_call_id", path), out _);
            messageMarker = ParseCacheControl(message, path);
        }

        return new ChatMessage(role, parts)
        {
            Name = message.TryGetProperty("name", out var name) ? OptionalString(name, $"{path}.name") : null,
            ToolCalls = toolCalls,
            ToolCallId = toolCallId,
            Refusal = message.TryGetProperty("refusal", out var refusal) ? OptionalString(refusal, $"{path}.refusal") : null,
            CacheControl = messageMarker,
        };
    }

    private static void ParseContent(JsonElement content, string path, ChatRole role, List<ContentPart> parts)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            parts.Add(new TextPart(content.GetString()!));
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType(path, "a string or an array of content parts", content);
        }

        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw InvalidType(partPath, "an object", part);
            }

            var type = RequiredString(part, "type", partPath);
            var marker = ParseCacheControl(part, partPath);
            switch (type)
            {
                case "text":
                    parts.Add(new TextPart(RequiredString(part, "text", partPath)) { CacheControl = marker });
                    break;
                case "image_url" when role == ChatRole.User:
                    if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object)
                    {
                        throw GatewayException.InvalidRequest($"Missing required parameter: '{partPath}.image_url'.", $"{partPath}.image_url", "missing_required_parameter");
                    }

                    var detail = image.TryGetProperty("detail", out var d) ? OptionalString(d, $"{partPath}.image_url.detail") : null;
                    parts.Add(new ImagePart(RequiredString(image, "url", $"{partPath}.image_url"), detail) { CacheControl = marker });
                    break;
                case "file" when role == ChatRole.User:
                    parts.Add(ParseFile(part, partPath) with { CacheControl = marker });
                    break;
                case "refusal" when role == ChatRole.Assistant:
                    parts.Add(new TextPart(RequiredString(part, "refusal", partPath)));
                    break;
                default:
                    throw GatewayException.InvalidRequest(
                        $"Invalid value: '{type}'. Content parts of {role.ToString().ToLowerInvariant()} messages support 'text'{(role == ChatRole.User ? ", 'image_url' and 'file'" : string.Empty)}.",
                        $"{partPath}.type", "invalid_value");
            }
        }
    }

    // reasoning_effort: OpenAI's minimal/low/medium/high, and "none" (reasoning off).
    private static ReasoningOptions? ParseReasoningEffort(JsonElement value)
    {
        var effort = OptionalString(value, "reasoning_effort");
        return effort switch
        {
            null => null,
            "minimal" or "low" or "medium" or "high" => new ReasoningOptions { Effort = effort },
            "none" => new ReasoningOptions { Enabled = false, Effort = effort },
            _ => throw GatewayException.InvalidRequest(
                $"Invalid value: '{effort}'. Supported values are: 'none', 'minimal', 'low', 'medium' and 'high'.", "reasoning_effort", "invalid_value"),
        };
    }

    // {"type":"file","file":{"file_data":"data:application/pdf;base64,...","filename":"a.pdf"}}. A file_id names a file
    // uploaded to one provider's Files API, which Tollgate cannot resolve for another provider: refused.
    private static DocumentPart ParseFile(JsonElement part, string partPath)
    {
        if (!part.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            throw GatewayException.InvalidRequest($"Missing required parameter: '{partPath}.file'.", $"{partPath}.file", "missing_required_parameter");
        }

        var filePath = $"{partPath}.file";
        if (file.TryGetProperty("file_id", out var fileId) && fileId.ValueKind != JsonValueKind.Null)
        {
            throw GatewayException.InvalidRequest(
                $"'{filePath}.file_id' is not supported: Tollgate cannot resolve files uploaded to a provider's Files API. Send the file inline as 'file_data' (a base64 data: URL).",
                $"{filePath}.file_id",
                "unsupported_feature");
        }

        var data = RequiredString(file, "file_data", filePath);
        var fileName = file.TryGetProperty("filename", out var f) ? OptionalString(f, $"{filePath}.filename") : null;
        string? mediaType;
        string payload;
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (!new ImagePart(data).TryGetInlineData(out var type, out payload))
            {
                throw GatewayException.InvalidRequest(
                    $"Invalid '{filePath}.file_data': expected a base64 data: URL such as 'data:application/pdf;base64,...'.", $"{filePath}.file_data", "invalid_value");
            }

            mediaType = type.Length > 0 ? type : null;
        }
        else
        {
            // Bare base64, as some clients send it: the media type comes from the file name.
            payload = data;
            mediaType = fileName is not null && fileName.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) ? "text/plain"
                : fileName is not null && fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? "application/pdf"
                : null;
        }

        return new DocumentPart { MediaType = mediaType, Data = payload, FileName = fileName };
    }

    // An assistant message's reasoning, before its text: thinking_blocks (LiteLLM's convention, with signatures) when
    // present, else reasoning_content as one unsigned block. A signed block is Claude's (the only family that signs
    // thinking text that OpenAI clients carry this way).
    private static void ParseReasoning(JsonElement message, string path, List<ContentPart> parts)
    {
        if (message.TryGetProperty("thinking_blocks", out var blocks) && blocks.ValueKind != JsonValueKind.Null)
        {
            if (blocks.ValueKind != JsonValueKind.Array)
            {
                throw InvalidType($"{path}.thinking_blocks", "an array", blocks);
            }

            var index = 0;
            foreach (var block in blocks.EnumerateArray())
            {
                var blockPath = $"{path}.thinking_blocks[{index++}]";
                if (block.ValueKind != JsonValueKind.Object)
                {
                    throw InvalidType(blockPath, "an object", block);
                }

                var type = RequiredString(block, "type", blockPath);
                switch (type)
                {
                    case "thinking":
                        var text = block.TryGetProperty("thinking", out var t) ? OptionalString(t, $"{blockPath}.thinking") ?? string.Empty : string.Empty;
                        var signature = block.TryGetProperty("signature", out var s) ? OptionalString(s, $"{blockPath}.signature") : null;
                        parts.Add(new ThinkingPart(text, string.IsNullOrEmpty(signature) ? null : signature)
                        {
                            SignatureFamily = string.IsNullOrEmpty(signature) ? null : SignatureFamilies.Anthropic,
                        });
                        break;
                    case "redacted_thinking":
                        parts.Add(new RedactedThinkingPart(RequiredString(block, "data", blockPath)) { SignatureFamily = SignatureFamilies.Anthropic });
                        break;
                    default:
                        throw GatewayException.InvalidRequest(
                            $"Invalid value: '{type}'. Supported values are: 'thinking' and 'redacted_thinking'.", $"{blockPath}.type", "invalid_value");
                }
            }

            return;
        }

        if (message.TryGetProperty("reasoning_content", out var reasoning) && OptionalString(reasoning, $"{path}.reasoning_content") is { Length: > 0 } content)
        {
            parts.Add(new ThinkingPart(content));
        }
    }

    // Anthropic's cache_control, as some OpenAI clients send it: {"type":"ephemeral"} with an optional "ttl".
    private static CacheControl? ParseCacheControl(JsonElement owner, string path)
    {
        if (!owner.TryGetProperty("cache_control", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType($"{path}.cache_control", "an object", value);
        }

        var type = RequiredString(value, "type", $"{path}.cache_control");
        var ttl = value.TryGetProperty("ttl", out var t) ? OptionalString(t, $"{path}.cache_control.ttl") : null;
        return type == "ephemeral" && ttl is null ? CacheControl.Ephemeral : new CacheControl(type, ttl);
    }

    private static List<ToolCall> ParseToolCalls(JsonElement calls, string path)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType(path, "an array", calls);
        }

        var result = new List<ToolCall>();
        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callPath = $"{path}[{index++}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw InvalidType(callPath, "an object", call);
            }

            var id = RequiredString(call, "id", callPath);
            if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw GatewayException.InvalidRequest($"Missing required parameter: '{callPath}.function'.", $"{callPath}.function", "missing_required_parameter");
            }

            var plainId = OpenAIToolCallIds.Decode(id, out var signature);
            result.Add(new ToolCall(plainId, RequiredString(function, "name", $"{callPath}.function"), RequiredString(function, "arguments", $"{callPath}.function"))
            {
                Signature = signature,
                SignatureFamily = signature is null ? null : SignatureFamilies.Gemini,
            });
        }

        return result;
    }

    private static List<ToolDefinition> ParseTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType("tools", "an array", tools);
        }

        var result = new List<ToolDefinition>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw InvalidType(path, "an object", tool);
            }

            var type = RequiredString(tool, "type", path);
            if (type != "function")
            {
                throw GatewayException.InvalidRequest($"Invalid value: '{type}'. Supported values are: 'function'.", $"{path}.type", "invalid_value");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw GatewayException.InvalidRequest($"Missing required parameter: '{path}.function'.", $"{path}.function", "missing_required_parameter");
            }

            var fpath = $"{path}.function";
            JsonElement? parameters = null;
            if (function.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                parameters = p.ValueKind == JsonValueKind.Object ? p.Clone() : throw InvalidType($"{fpath}.parameters", "an object", p);
            }

            result.Add(new ToolDefinition(
                RequiredString(function, "name", fpath),
                function.TryGetProperty("description", out var description) ? OptionalString(description, $"{fpath}.description") : null,
                parameters,
                function.TryGetProperty("strict", out var strict) ? OptionalBool(strict, $"{fpath}.strict") : null)
            {
                CacheControl = ParseCacheControl(tool, path),
            });
        }

        return result;
    }

    private static ToolChoice ParseToolChoice(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() switch
            {
                "auto" => new ToolChoice(ToolChoiceMode.Auto),
                "none" => new ToolChoice(ToolChoiceMode.None),
                "required" => new ToolChoice(ToolChoiceMode.Required),
                var other => throw GatewayException.InvalidRequest(
                    $"Invalid value: '{other}'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice", "invalid_value"),
            };
        }

        if (value.ValueKind == JsonValueKind.Object &&
            value.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
        {
            return new ToolChoice(ToolChoiceMode.Function, RequiredString(function, "name", "tool_choice.function"));
        }

        throw InvalidType("tool_choice", "a string or an object with 'function'", value);
    }

    private static ResponseFormat ParseResponseFormat(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType("response_format", "an object", value);
        }

        var type = RequiredString(value, "type", "response_format");
        switch (type)
        {
            case "text":
                return new ResponseFormat(ResponseFormatKind.Text);
            case "json_object":
                return new ResponseFormat(ResponseFormatKind.JsonObject);
            case "json_schema":
                if (!value.TryGetProperty("json_schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    throw GatewayException.InvalidRequest("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema", "missing_required_parameter");
                }

                JsonElement? body = schema.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : null;
                return new ResponseFormat(
                    ResponseFormatKind.JsonSchema,
                    RequiredString(schema, "name", "response_format.json_schema"),
                    body,
                    schema.TryGetProperty("strict", out var strict) ? OptionalBool(strict, "response_format.json_schema.strict") : null);
            default:
                throw GatewayException.InvalidRequest(
                    $"Invalid value: '{type}'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type", "invalid_value");
        }
    }

    private static List<string>? ParseStop(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.Array:
                var stops = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    stops.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw InvalidType("stop", "a string or an array of strings", value));
                }

                return stops.Count <= 4 ? stops : throw GatewayException.InvalidRequest("'stop' accepts at most 4 sequences.", "stop");
            default:
                throw InvalidType("stop", "a string or an array of strings", value);
        }
    }

    private static bool ParseStreamOptions(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType("stream_options", "an object", value);
        }

        return value.TryGetProperty("include_usage", out var include) && (OptionalBool(include, "stream_options.include_usage") ?? false);
    }

    private static string RequiredString(JsonElement obj, string name, string? parentPath = null)
    {
        var path = parentPath is null ? name : $"{parentPath}.{name}";
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw GatewayException.InvalidRequest($"Missing required parameter: '{path}'.", path, "missing_required_parameter");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw InvalidType(path, "a string", value);
    }

    private static string? OptionalString(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => throw InvalidType(path, "a string", value),
    };

    private static bool? OptionalBool(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw InvalidType(path, "a boolean", value),
    };

    private static double? OptionalNumber(JsonElement value, string path, double min, double max)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw InvalidType(path, "a decimal", value);
        }

        var number = value.GetDouble();
        return number >= min && number <= max
            ? number
            : throw GatewayException.InvalidRequest(
                string.Create(CultureInfo.InvariantCulture, $"Invalid '{path}': {number} is out of range; expected a value between {min} and {max}."), path, "invalid_value");
    }

    private static int? OptionalInt(JsonElement value, string path, int min, int max = int.MaxValue)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw InvalidType(path, "an integer", value);
        }

        return number >= min && number <= max
            ? number
            : throw GatewayException.InvalidRequest(
                string.Create(CultureInfo.InvariantCulture, $"Invalid '{path}': {number} is out of range; expected a value between {min} and {max}."), path, "invalid_value");
    }

    internal static GatewayException InvalidType(string path, string expected, JsonElement actual) =>
        GatewayException.InvalidRequest($"Invalid type for '{path}': expected {expected}, but got {Describe(actual.ValueKind)} instead.", path, "invalid_type");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
