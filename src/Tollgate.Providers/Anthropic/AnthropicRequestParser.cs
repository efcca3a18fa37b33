using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Errors;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Reads an Anthropic Messages API request (https://docs.claude.com/en/api/messages), as an Anthropic client sends it
/// to Tollgate, into the canonical <see cref="ChatRequest"/>: the translated path to providers of another format.
/// Every refusal is a 400 <see cref="GatewayException"/> naming the field in Anthropic's dotted style
/// (<c>messages.1.content.0.source</c>).
/// </summary>
/// <remarks>
/// Consecutive turns of one role stay separate canonical messages (the Messages API combines them; so do the
/// provider mappers that need it). A user turn's <c>tool_result</c> blocks become Tool-role messages in place; the
/// user's other blocks around them become User messages, order kept. An assistant turn keeps its thinking and text
/// blocks in <see cref="ChatMessage.Parts"/> in order and its <c>tool_use</c> blocks in
/// <see cref="ChatMessage.ToolCalls"/>, after them. Server tools and server-tool blocks (web search, code execution,
/// MCP) exist only at Anthropic: they are refused here, since this path serves other providers.
/// Unknown top-level fields are kept in <see cref="ChatRequest.AdditionalProperties"/>.
/// </remarks>
public static class AnthropicRequestParser
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "model", "max_tokens", "messages", "system", "tools", "tool_choice", "stop_sequences", "temperature", "top_p",
        "top_k", "metadata", "thinking", "stream",
    };

    /// <summary>Parses <paramref name="body"/>; <paramref name="countTokens"/> reads a <c>count_tokens</c> body, where <c>max_tokens</c> is not required.</summary>
    public static ChatRequest Parse(ReadOnlyMemory<byte> body, bool countTokens = false)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw GatewayException.InvalidRequest($"There was an error parsing the body of your request: {ex.Message}", code: "invalid_json");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw GatewayException.InvalidRequest("The request body must be a JSON object.", code: "invalid_json");
            }

            return ParseRoot(root, countTokens);
        }
    }

    private static ChatRequest ParseRoot(JsonElement root, bool countTokens)
    {
        var model = RequiredString(root, "model", "model");
        int? maxTokens = null;
        if (Optional(root, "max_tokens") is { } max)
        {
            maxTokens = PositiveInt(max, "max_tokens");
        }
        else if (!countTokens)
        {
            throw Missing("max_tokens");
        }

        var messages = new List<ChatMessage>();
        if (Optional(root, "system") is { } system)
        {
            ReadSystem(system, messages);
        }

        if (Optional(root, "messages") is not { } list)
        {
            throw Missing("messages");
        }

        ReadMessages(list, messages);

        var request = new ChatRequest
        {
            Model = model,
            Messages = messages,
            MaxTokens = maxTokens,
            Stream = Optional(root, "stream") is { } stream && Boolean(stream, "stream"),
        };

        if (Optional(root, "tools") is { } tools)
        {
            request.Tools = ReadTools(tools);
        }

        if (Optional(root, "tool_choice") is { } choice)
        {
            ReadToolChoice(choice, request);
        }

        if (Optional(root, "stop_sequences") is { } stops)
        {
            request.Stop = ReadStrings(stops, "stop_sequences");
        }

        request.Temperature = Optional(root, "temperature") is { } t ? Number(t, "temperature") : null;
        request.TopP = Optional(root, "top_p") is { } p ? Number(p, "top_p") : null;
        request.TopK = Optional(root, "top_k") is { } k ? NonNegativeInt(k, "top_k") : null;
        if (Optional(root, "metadata") is { } metadata)
        {
            Expect(metadata, JsonValueKind.Object, "metadata", "an object");
            request.User = Optional(metadata, "user_id") is { } user ? String(user, "metadata.user_id") : null;
        }

        if (Optional(root, "thinking") is { } thinking)
        {
            request.Reasoning = ReadThinking(thinking);
        }

        JsonObject? additional = null;
        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name))
            {
                additional ??= [];
                additional[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }

        request.AdditionalProperties = additional;
        return request;
    }

    private static void ReadSystem(JsonElement system, List<ChatMessage> messages)
    {
        if (system.ValueKind == JsonValueKind.String)
        {
            var text = system.GetString()!;
            if (text.Length > 0)
            {
                messages.Add(ChatMessage.FromText(ChatRole.System, text));
            }

            return;
        }

        Expect(system, JsonValueKind.Array, "system", "a string or an array of text blocks");
        var parts = new List<ContentPart>();
        var i = 0;
        foreach (var block in system.EnumerateArray())
        {
            var path = Path("system", i++);
            Expect(block, JsonValueKind.Object, path, "an object");
            var type = RequiredString(block, "type", path + ".type");
            if (type != "text")
            {
                throw Invalid($"{path}.type", $"system blocks must be of type 'text', not '{type}'.");
            }

            parts.Add(ReadText(block, path));
        }

        if (parts.Count > 0)
        {
            messages.Add(new ChatMessage(ChatRole.System, parts));
        }
    }

    private static void ReadMessages(JsonElement list, List<ChatMessage> messages)
    {
        Expect(list, JsonValueKind.Array, "messages", "an array");
        var index = 0;
        foreach (var message in list.EnumerateArray())
        {
            var path = Path("messages", index);
            Expect(message, JsonValueKind.Object, path, "an object");
            var role = RequiredString(message, "role", path + ".role");
            if (role is not ("user" or "assistant"))
            {
                throw Invalid(path + ".role", role == "system"
                    ? "Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
                    : "Input should be 'user' or 'assistant'.");
            }

            if (index == 0 && role != "user")
            {
                throw Invalid(path + ".role", "The first message must use the \"user\" role.");
            }

            if (Optional(message, "content") is not { } content)
            {
                throw Missing(path + ".content");
            }

            if (role == "user")
            {
                ReadUser(content, path + ".content", messages);
            }
            else
            {
                messages.Add(ReadAssistant(content, path + ".content"));
            }

            index++;
        }

        if (index == 0)
        {
            throw Invalid("messages", "At least one message is required.");
        }
    }

    private static void ReadUser(JsonElement content, string path, List<ChatMessage> messages)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            messages.Add(ChatMessage.FromText(ChatRole.User, content.GetString()!));
            return;
        }

        Expect(content, JsonValueKind.Array, path, "a string or an array of content blocks");
        var parts = new List<ContentPart>();
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(path, i++);
            var type = BlockType(block, blockPath);
            if (type == "tool_result")
            {
                // Tool results answer the assistant's calls: user text before them starts its own message.
                if (parts.Count > 0)
                {
                    messages.Add(new ChatMessage(ChatRole.User, parts));
                    parts = [];
                }

                messages.Add(ReadToolResult(block, blockPath));
                continue;
            }

            parts.Add(type switch
            {
                "text" => ReadText(block, blockPath),
                "image" => ReadImage(block, blockPath),
                "document" => ReadDocument(block, blockPath),
                "tool_use" or "thinking" or "redacted_thinking" => throw Invalid(blockPath + ".type", $"'{type}' blocks are only valid in assistant messages."),
                _ => throw Unsupported(blockPath + ".type", type),
            });
        }

        if (parts.Count > 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, parts));
        }
    }

    private static ChatMessage ReadAssistant(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return ChatMessage.FromText(ChatRole.Assistant, content.GetString()!);
        }

        Expect(content, JsonValueKind.Array, path, "a string or an array of content blocks");
        var parts = new List<ContentPart>();
        List<ToolCall>? calls = null;
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = Path(path, i++);
            var type = BlockType(block, blockPath);
            switch (type)
            {
                case "text":
                    parts.Add(ReadText(block, blockPath));
                    break;
                case "thinking":
                    var signature = Optional(block, "signature") is { } s ? String(s, blockPath + ".signature") : null;
                    parts.Add(new ThinkingPart(RequiredString(block, "thinking", blockPath + ".thinking"), string.IsNullOrEmpty(signature) ? null : signature)
                    {
                        SignatureFamily = string.IsNullOrEmpty(signature) ? null : SignatureFamilies.Anthropic,
                        CacheControl = ReadCacheControl(block, blockPath),
                    });
                    break;
                case "redacted_thinking":
                    parts.Add(new RedactedThinkingPart(RequiredString(block, "data", blockPath + ".data"))
                    {
                        SignatureFamily = SignatureFamilies.Anthropic,
                        CacheControl = ReadCacheControl(block, blockPath),
                    });
                    break;
                case "tool_use":
                    var input = Optional(block, "input") ?? throw Missing(blockPath + ".input");
                    Expect(input, JsonValueKind.Object, blockPath + ".input", "an object");
                    var callId = AnthropicToolUseIds.Decode(RequiredString(block, "id", blockPath + ".id"), out var callSignature);
                    (calls ??= []).Add(new ToolCall(callId, RequiredString(block, "name", blockPath + ".name"), input.GetRawText())
                    {
                        CacheControl = ReadCacheControl(block, blockPath),
                        Signature = callSignature,
                        SignatureFamily = callSignature is null ? null : SignatureFamilies.Gemini,
                    });
                    break;
                case "image" or "document" or "tool_result":
                    throw Invalid(blockPath + ".type", $"'{type}' blocks are only valid in user messages.");
                default:
                    throw Unsupported(blockPath + ".type", type);
            }
        }

        return new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = calls };
    }

    private static ChatMessage ReadToolResult(JsonElement block, string path)
    {
        var id = AnthropicToolUseIds.Decode(RequiredString(block, "tool_use_id", path + ".tool_use_id"), out _);
        var parts = new List<ContentPart>();
        if (Optional(block, "content") is { } content)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                parts.Add(new TextPart(content.GetString()!));
            }
            else
            {
                Expect(content, JsonValueKind.Array, path + ".content", "a string or an array of content blocks");
                var i = 0;
                foreach (var inner in content.EnumerateArray())
                {
                    var innerPath = Path(path + ".content", i++);
                    var type = BlockType(inner, innerPath);
                    parts.Add(type switch
                    {
                        "text" => ReadText(inner, innerPath),
                        "image" => ReadImage(inner, innerPath),
                        "document" => ReadDocument(inner, innerPath),
                        _ => throw Unsupported(innerPath + ".type", type),
                    });
                }
            }
        }

        return new ChatMessage(ChatRole.Tool, parts)
        {
            ToolCallId = id,
            IsError = Optional(block, "is_error") is { } error && Boolean(error, path + ".is_error"),
            CacheControl = ReadCacheControl(block, path),
        };
    }

    private static TextPart ReadText(JsonElement block, string path)
    {
        var text = RequiredString(block, "text", path + ".text");
        JsonElement? citations = null;
        if (Optional(block, "citations") is { } c)
        {
            Expect(c, JsonValueKind.Array, path + ".citations", "an array");
            citations = c.GetArrayLength() > 0 ? c.Clone() : null;
        }

        return new TextPart(text) { Citations = citations, CacheControl = ReadCacheControl(block, path) };
    }

    private static ImagePart ReadImage(JsonElement block, string path)
    {
        var source = Optional(block, "source") ?? throw Missing(path + ".source");
        Expect(source, JsonValueKind.Object, path + ".source", "an object");
        var sourceType = RequiredString(source, "type", path + ".source.type");
        var image = sourceType switch
        {
            "base64" => new ImagePart(string.Create(
                CultureInfo.InvariantCulture,
                $"data:{RequiredString(source, "media_type", path + ".source.media_type")};base64,{RequiredString(source, "data", path + ".source.data")}")),
            "url" => new ImagePart(RequiredString(source, "url", path + ".source.url")),
            _ => throw Invalid(path + ".source.type", $"Image source type '{sourceType}' is not supported here (use 'base64' or 'url'; Files API references reach Anthropic models only)."),
        };
        return image with { CacheControl = ReadCacheControl(block, path) };
    }

    private static DocumentPart ReadDocument(JsonElement block, string path)
    {
        var source = Optional(block, "source") ?? throw Missing(path + ".source");
        Expect(source, JsonValueKind.Object, path + ".source", "an object");
        var sourceType = RequiredString(source, "type", path + ".source.type");
        var document = sourceType switch
        {
            "base64" => new DocumentPart
            {
                MediaType = RequiredString(source, "media_type", path + ".source.media_type"),
                Data = RequiredString(source, "data", path + ".source.data"),
            },
            "text" => new DocumentPart
            {
                MediaType = Optional(source, "media_type") is { } mt ? String(mt, path + ".source.media_type") : "text/plain",
                Text = RequiredString(source, "data", path + ".source.data"),
            },
            "url" => new DocumentPart { MediaType = "application/pdf", Url = RequiredString(source, "url", path + ".source.url") },
            _ => throw Invalid(path + ".source.type", $"Document source type '{sourceType}' is not supported here (use 'base64', 'text' or 'url')."),
        };

        var citations = false;
        if (Optional(block, "citations") is { } c)
        {
            Expect(c, JsonValueKind.Object, path + ".citations", "an object");
            citations = Optional(c, "enabled") is { } enabled && Boolean(enabled, path + ".citations.enabled");
        }

        return document with
        {
            Title = Optional(block, "title") is { } title ? String(title, path + ".title") : null,
            Context = Optional(block, "context") is { } context ? String(context, path + ".context") : null,
            Citations = citations,
            CacheControl = ReadCacheControl(block, path),
        };
    }

    private static List<ToolDefinition> ReadTools(JsonElement tools)
    {
        Expect(tools, JsonValueKind.Array, "tools", "an array");
        var result = new List<ToolDefinition>();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = Path("tools", i++);
            Expect(tool, JsonValueKind.Object, path, "an object");
            if (Optional(tool, "type") is { } typeElement && String(typeElement, path + ".type") is var type && type != "custom")
            {
                throw Invalid(path + ".type", $"The server tool '{type}' runs at Anthropic and is available only when the model is served by an Anthropic provider.");
            }

            var schema = Optional(tool, "input_schema") ?? throw Missing(path + ".input_schema");
            Expect(schema, JsonValueKind.Object, path + ".input_schema", "an object");
            result.Add(new ToolDefinition(
                RequiredString(tool, "name", path + ".name"),
                Optional(tool, "description") is { } d ? String(d, path + ".description") : null,
                schema.Clone(),
                Optional(tool, "strict") is { } strict ? Boolean(strict, path + ".strict") : null)
            {
                CacheControl = ReadCacheControl(tool, path),
            });
        }

        return result;
    }

    private static void ReadToolChoice(JsonElement choice, ChatRequest request)
    {
        Expect(choice, JsonValueKind.Object, "tool_choice", "an object");
        var type = RequiredString(choice, "type", "tool_choice.type");
        request.ToolChoice = type switch
        {
            "auto" => new ToolChoice(ToolChoiceMode.Auto),
            "any" => new ToolChoice(ToolChoiceMode.Required),
            "none" => new ToolChoice(ToolChoiceMode.None),
            "tool" => new ToolChoice(ToolChoiceMode.Function, RequiredString(choice, "name", "tool_choice.name")),
            _ => throw Invalid("tool_choice.type", $"Input tag '{type}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'."),
        };

        if (Optional(choice, "disable_parallel_tool_use") is { } disable && Boolean(disable, "tool_choice.disable_parallel_tool_use"))
        {
            request.ParallelToolCalls = false;
        }
    }

    private static ReasoningOptions ReadThinking(JsonElement thinking)
    {
        Expect(thinking, JsonValueKind.Object, "thinking", "an object");
        var type = RequiredString(thinking, "type", "thinking.type");
        switch (type)
        {
            case "enabled":
                var budget = Optional(thinking, "budget_tokens") ?? throw Missing("thinking.enabled.budget_tokens");
                return new ReasoningOptions { Enabled = true, BudgetTokens = PositiveInt(budget, "thinking.enabled.budget_tokens") };
            case "adaptive":
                return new ReasoningOptions { Enabled = true };
            case "disabled":
                return new ReasoningOptions { Enabled = false };
            default:
                throw Invalid("thinking.type", $"Input tag '{type}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'.");
        }
    }

    private static CacheControl? ReadCacheControl(JsonElement block, string path)
    {
        if (Optional(block, "cache_control") is not { } control)
        {
            return null;
        }

        Expect(control, JsonValueKind.Object, path + ".cache_control", "an object");
        var type = RequiredString(control, "type", path + ".cache_control.type");
        var ttl = Optional(control, "ttl") is { } t ? String(t, path + ".cache_control.ttl") : null;
        return type == "ephemeral" && ttl is null ? CacheControl.Ephemeral : new CacheControl(type, ttl);
    }

    private static List<string> ReadStrings(JsonElement array, string path)
    {
        Expect(array, JsonValueKind.Array, path, "an array of strings");
        var result = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result.Add(String(item, Path(path, i++)));
        }

        return result;
    }

    private static string BlockType(JsonElement block, string path)
    {
        Expect(block, JsonValueKind.Object, path, "an object");
        return RequiredString(block, "type", path + ".type");
    }

    /// <summary>A property's value; a JSON null counts as absent, as the Messages API treats it.</summary>
    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string RequiredString(JsonElement obj, string name, string path) =>
        Optional(obj, name) is { } value ? String(value, path) : throw Missing(path);

    private static string String(JsonElement value, string path)
    {
        Expect(value, JsonValueKind.String, path, "a string");
        return value.GetString()!;
    }

    private static bool Boolean(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid(path, "Input should be a valid boolean."),
    };

    private static double Number(JsonElement value, string path)
    {
        Expect(value, JsonValueKind.Number, path, "a number");
        return value.GetDouble();
    }

    private static int PositiveInt(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Invalid(path, "Input should be a valid integer.");
        }

        return number >= 1 ? number : throw Invalid(path, "Input should be greater than or equal to 1.");
    }

    private static int NonNegativeInt(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Invalid(path, "Input should be a valid integer.");
        }

        return number >= 0 ? number : throw Invalid(path, "Input should be greater than or equal to 0.");
    }

    private static void Expect(JsonElement value, JsonValueKind kind, string path, string expected)
    {
        if (value.ValueKind != kind)
        {
            throw Invalid(path, $"Input should be {expected}.");
        }
    }

    private static string Path(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}.{index}");

    private static GatewayException Missing(string path) => GatewayException.InvalidRequest($"{path}: Field required", path, "missing_required_parameter");

    private static GatewayException Invalid(string path, string message) => GatewayException.InvalidRequest($"{path}: {message}", path);

    private static GatewayException Unsupported(string path, string type) => GatewayException.InvalidRequest(
        $"{path}: '{type}' blocks are not supported when the model is served by a provider other than Anthropic.", path, "unsupported_feature");
}
