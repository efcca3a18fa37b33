using System.Globalization;
using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Anthropic;

/// <summary>Pure translations between the canonical chat model and the Messages API records. No I/O.</summary>
internal static class AnthropicMapper
{
    /// <summary>The forced tool that carries a JSON-mode answer: Anthropic has no response_format, so its input is the answer.</summary>
    public const string JsonToolName = "json_response";

    // Anthropic's documented output limits, longest prefix first so that claude-opus-4-1 wins over claude-opus-4.
    private static readonly (string Prefix, int MaxTokens)[] BuiltInMaxTokens =
    [
        ("claude-opus-4-1", 32000),
        ("claude-opus-4", 32000),
        ("claude-sonnet-4-5", 64000),
        ("claude-sonnet-4", 64000),
        ("claude-3-7-sonnet", 64000),
        ("claude-haiku-4-5", 64000),
        ("claude-3-5-haiku", 8192),
        ("claude-3-5-sonnet", 8192),
        ("claude-3-haiku", 4096),
        ("claude-3-opus", 4096),
    ];

    private static readonly JsonElement EmptyObjectSchema = ParseElement("""{"type":"object","properties":{}}""");
    private static readonly JsonElement AnyObjectSchema = ParseElement("""{"type":"object"}""");

    /// <summary>Whether the answer must be JSON, carried by the <see cref="JsonToolName"/> tool.</summary>
    public static bool IsJsonMode(ChatRequest request) =>
        request.ResponseFormat is { Kind: ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema };

    /// <summary>Refuses what the Messages API cannot express, rather than dropping it.</summary>
    public static void EnsureSupported(ChatRequest request, string providerName)
    {
        if (request.N is > 1)
        {
            throw ProviderException.Unsupported(providerName, "More than one choice (n > 1)");
        }

        if (request.Logprobs == true || request.TopLogprobs is > 0)
        {
            throw ProviderException.Unsupported(providerName, "Log probabilities (logprobs)");
        }

        if (request.Seed is not null)
        {
            throw ProviderException.Unsupported(providerName, "A sampling seed (seed; the Anthropic Messages API has no seed parameter)");
        }

        if (request.PresencePenalty is { } presence && presence != 0)
        {
            throw ProviderException.Unsupported(providerName, "presence_penalty");
        }

        if (request.FrequencyPenalty is { } frequency && frequency != 0)
        {
            throw ProviderException.Unsupported(providerName, "frequency_penalty");
        }
    }

    /// <summary>The <c>max_tokens</c> to send: the request's, else the configured per-model value, else the built-in table, else <c>default_max_tokens</c>, else 4096.</summary>
    public static int ResolveMaxTokens(ChatRequest request, AnthropicProviderOptions options)
    {
        if (request.MaxTokens is { } requested)
        {
            return requested;
        }

        if (options.MaxTokensByModel.TryGetValue(request.Model, out var configured))
        {
            return configured;
        }

        foreach (var (prefix, maxTokens) in BuiltInMaxTokens)
        {
            if (request.Model.StartsWith(prefix, StringComparison.Ordinal))
            {
                return maxTokens;
            }
        }

        return options.DefaultMaxTokens ?? 4096;
    }

    /// <summary>Builds the request body. Throws <see cref="ProviderException"/> (400) for what cannot be expressed.</summary>
    public static AnthropicMessagesRequest ToWire(ChatRequest request, AnthropicProviderOptions options, bool stream)
    {
        EnsureSupported(request, options.Name);
        var wire = new AnthropicMessagesRequest
        {
            Model = request.Model,
            MaxTokens = ResolveMaxTokens(request, options),
            Temperature = request.Temperature,
            TopP = request.TopP,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            Metadata = request.User is { Length: > 0 } user ? new AnthropicMetadata { UserId = user } : null,
            Stream = stream ? true : null,
        };

        // Step 1: system and developer messages become the top-level system prompt, in order.
        var systemTexts = new List<string>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            switch (message.Role)
            {
                case ChatRole.System or ChatRole.Developer:
                    var text = message.GetText();
                    if (text.Length > 0)
                    {
                        systemTexts.Add(text);
                    }

                    break;
                case ChatRole.User:
                    Append(wire.Messages, "user", MapUserParts(message, i, options.Name));
                    break;
                case ChatRole.Assistant:
                    Append(wire.Messages, "assistant", MapAssistant(message, i, options.Name));
                    break;
                case ChatRole.Tool:
                    Append(wire.Messages, "user", [MapToolResult(message, i, options.Name)]);
                    break;
                default:
                    throw ProviderException.Unsupported(options.Name, $"The message role '{message.Role}'");
            }
        }

        wire.System = systemTexts.Count switch
        {
            0 => null,
            1 => JsonSerializer.SerializeToElement(systemTexts[0], AnthropicJsonContext.Default.String),
            _ => JsonSerializer.SerializeToElement(
                systemTexts.Select(t => new AnthropicContentBlock { Type = "text", Text = t }).ToList(),
                AnthropicJsonContext.Default.ListAnthropicContentBlock),
        };

        // Step 2: tools, tool choice, and JSON mode as a forced tool.
        MapTools(request, wire);
        return wire;
    }

    /// <summary>Maps a non-streamed answer. In JSON mode the <see cref="JsonToolName"/> call's input is the answer text.</summary>
    public static ChatResponse FromWire(AnthropicMessagesResponse response, bool jsonMode, DateTimeOffset created)
    {
        var text = new System.Text.StringBuilder();
        List<ToolCall>? toolCalls = null;
        var sawJsonTool = false;
        foreach (var block in response.Content ?? [])
        {
            switch (block.Type)
            {
                case "text":
                    text.Append(block.Text);
                    break;
                case "tool_use" when jsonMode && block.Name == JsonToolName:
                    text.Append(CompactJson(block.Input));
                    sawJsonTool = true;
                    break;
                case "tool_use":
                    (toolCalls ??= []).Add(new ToolCall(block.Id ?? string.Empty, block.Name ?? string.Empty, CompactJson(block.Input)));
                    break;
                default:
                    // thinking, redacted_thinking and server-tool blocks have no place in a chat completion.
                    break;
            }
        }

        var finish = MapStopReason(response.StopReason);
        if (finish == FinishReason.ToolCalls && toolCalls is null && sawJsonTool)
        {
            finish = FinishReason.Stop;
        }

        var message = new ChatMessage(ChatRole.Assistant, text.Length > 0 || toolCalls is null ? [new TextPart(text.ToString())] : [])
        {
            ToolCalls = toolCalls,
        };

        return new ChatResponse
        {
            Id = response.Id ?? string.Empty,
            Model = response.Model ?? string.Empty,
            Created = created,
            Choices = [new ChatChoice(0, message, finish)],
            Usage = response.Usage is { } u ? MapUsage(u.InputTokens ?? 0, u.CacheReadInputTokens ?? 0, u.CacheCreationInputTokens ?? 0, u.OutputTokens ?? 0) : null,
        };
    }

    /// <summary>Anthropic's <c>stop_reason</c> in OpenAI's vocabulary; <see langword="null"/> when absent or unknown.</summary>
    public static FinishReason? MapStopReason(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" or "pause_turn" => FinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        null => null,
        _ => FinishReason.Stop,
    };

    /// <summary>Canonical usage counts every prompt token; Anthropic reports cache reads and writes apart from <c>input_tokens</c>.</summary>
    public static ChatUsage MapUsage(long inputTokens, long cacheRead, long cacheWrite, long outputTokens) => new()
    {
        InputTokens = inputTokens + cacheRead + cacheWrite,
        CachedInputTokens = cacheRead,
        CacheWriteTokens = cacheWrite,
        OutputTokens = outputTokens,
    };

    /// <summary>Maps an error status and its body. An unparseable body gives a generic message with the status.</summary>
    public static ProviderException MapError(int statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        AnthropicError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, AnthropicJsonContext.Default.AnthropicErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status still says what happened.
        }

        var message = string.IsNullOrEmpty(error?.Message)
            ? string.Create(CultureInfo.InvariantCulture, $"The Anthropic upstream answered with status {statusCode}.")
            : error.Message;
        return new ProviderException(ProviderErrorKind.Upstream, statusCode, message)
        {
            ErrorType = MapErrorType(error?.Type, statusCode),
            ErrorCode = error?.Type,
            RetryAfter = retryAfter,
        };
    }

    /// <summary>Maps an <c>error</c> event that arrives after a 200 stream has begun; its status comes from its type.</summary>
    public static ProviderException MapStreamError(AnthropicError? error)
    {
        var statusCode = error?.Type switch
        {
            "invalid_request_error" => 400,
            "authentication_error" => 401,
            "permission_error" => 403,
            "not_found_error" => 404,
            "request_too_large" => 413,
            "rate_limit_error" => 429,
            "overloaded_error" => 529,
            _ => 500,
        };
        var message = string.IsNullOrEmpty(error?.Message) ? "The Anthropic upstream reported an error mid-stream." : error.Message;
        return new ProviderException(ProviderErrorKind.Upstream, statusCode, message)
        {
            ErrorType = MapErrorType(error?.Type, statusCode),
            ErrorCode = error?.Type,
        };
    }

    /// <summary>Anthropic's error types in OpenAI's vocabulary (https://docs.claude.com/en/api/errors).</summary>
    public static string MapErrorType(string? anthropicType, int statusCode) => anthropicType switch
    {
        "invalid_request_error" or "request_too_large" => "invalid_request_error",
        "authentication_error" => "authentication_error",
        "permission_error" => "permission_error",
        "not_found_error" => "not_found_error",
        "rate_limit_error" => "rate_limit_error",
        "api_error" => "api_error",
        "overloaded_error" => "overloaded_error",
        _ => statusCode switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            >= 400 and < 500 => "invalid_request_error",
            _ => "api_error",
        },
    };

    /// <summary>Compact JSON text of a tool input; an absent input is <c>{}</c>.</summary>
    public static string CompactJson(JsonElement? input) =>
        input is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element
            ? JsonSerializer.Serialize(element, AnthropicJsonContext.Default.JsonElement)
            : "{}";

    private static void Append(List<AnthropicMessage> messages, string role, List<AnthropicContentBlock> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        // The Messages API wants user and assistant turns to alternate: consecutive turns of one role become one.
        if (messages.Count > 0 && messages[^1].Role == role)
        {
            messages[^1].Content.AddRange(blocks);
        }
        else
        {
            messages.Add(new AnthropicMessage { Role = role, Content = blocks });
        }
    }

    private static List<AnthropicContentBlock> MapUserParts(ChatMessage message, int index, string providerName)
    {
        var blocks = new List<AnthropicContentBlock>(message.Parts.Count);
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    blocks.Add(new AnthropicContentBlock { Type = "text", Text = text.Text });
                    break;
                case TextPart:
                    // The Messages API rejects empty text blocks.
                    break;
                case ImagePart image:
                    blocks.Add(MapImage(image, index, providerName));
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The content part '{part.GetType().Name}' (messages[{index}])");
            }
        }

        return blocks;
    }

    private static List<AnthropicContentBlock> MapAssistant(ChatMessage message, int index, string providerName)
    {
        var blocks = MapUserParts(message, index, providerName);
        if (message.ToolCalls is not { Count: > 0 } calls)
        {
            return blocks;
        }

        for (var c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            blocks.Add(new AnthropicContentBlock
            {
                Type = "tool_use",
                Id = call.Id,
                Name = call.Name,
                Input = ParseArguments(call.ArgumentsJson, index, c, providerName),
            });
        }

        return blocks;
    }

    private static AnthropicContentBlock MapToolResult(ChatMessage message, int index, string providerName)
    {
        if (string.IsNullOrEmpty(message.ToolCallId))
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, $"messages[{index}]: a tool message needs tool_call_id.")
            {
                ErrorType = "invalid_request_error",
                Param = $"messages[{index}].tool_call_id",
            };
        }

        JsonElement content;
        if (message.Parts.All(p => p is TextPart))
        {
            content = JsonSerializer.SerializeToElement(message.GetText(), AnthropicJsonContext.Default.String);
        }
        else
        {
            content = JsonSerializer.SerializeToElement(MapUserParts(message, index, providerName), AnthropicJsonContext.Default.ListAnthropicContentBlock);
        }

        return new AnthropicContentBlock { Type = "tool_result", ToolUseId = message.ToolCallId, Content = content };
    }

    private static AnthropicContentBlock MapImage(ImagePart image, int index, string providerName)
    {
        if (image.TryGetInlineData(out var mediaType, out var data))
        {
            return new AnthropicContentBlock
            {
                Type = "image",
                Source = new AnthropicImageSource { Type = "base64", MediaType = mediaType, Data = data },
            };
        }

        if (Uri.TryCreate(image.Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return new AnthropicContentBlock { Type = "image", Source = new AnthropicImageSource { Type = "url", Url = image.Url } };
        }

        throw ProviderException.Unsupported(providerName, $"An image that is neither an http(s) URL nor a base64 data: URL (messages[{index}])");
    }

    private static JsonElement ParseArguments(string argumentsJson, int messageIndex, int callIndex, string providerName)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return ParseElement("{}");
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw new ProviderException(
            ProviderErrorKind.Unsupported,
            400,
            $"messages[{messageIndex}].tool_calls[{callIndex}].function.arguments is not a JSON object; provider '{providerName}' needs the arguments as an object.")
        {
            ErrorType = "invalid_request_error",
            ErrorCode = "invalid_tool_arguments",
            Param = $"messages[{messageIndex}].tool_calls[{callIndex}].function.arguments",
        };
    }

    private static void MapTools(ChatRequest request, AnthropicMessagesRequest wire)
    {
        var jsonMode = IsJsonMode(request);
        if (request.Tools is { Count: > 0 } tools)
        {
            wire.Tools = [.. tools.Select(t => new AnthropicTool
            {
                Name = t.Name,
                Description = t.Description,
                InputSchema = t.Parameters is { ValueKind: JsonValueKind.Object } p ? p : EmptyObjectSchema,
            })];
        }

        AnthropicToolChoice? choice = request.ToolChoice switch
        {
            null => null,
            { Mode: ToolChoiceMode.Auto } => new AnthropicToolChoice { Type = "auto" },
            { Mode: ToolChoiceMode.Required } => new AnthropicToolChoice { Type = "any" },
            { Mode: ToolChoiceMode.None } => new AnthropicToolChoice { Type = "none" },
            { Mode: ToolChoiceMode.Function, FunctionName: { } name } => new AnthropicToolChoice { Type = "tool", Name = name },
            _ => throw new ProviderException(ProviderErrorKind.Unsupported, 400, "tool_choice of type function needs a function name.")
            {
                ErrorType = "invalid_request_error",
                Param = "tool_choice",
            },
        };

        if (jsonMode)
        {
            // JSON mode: a tool whose input schema is the wanted answer's schema, which the model must call.
            var schema = request.ResponseFormat is { Kind: ResponseFormatKind.JsonSchema, Schema: { ValueKind: JsonValueKind.Object } s } ? s : AnyObjectSchema;
            (wire.Tools ??= []).Add(new AnthropicTool
            {
                Name = JsonToolName,
                Description = "Respond with a JSON object" + (request.ResponseFormat?.SchemaName is { Length: > 0 } n ? $" ({n})." : "."),
                InputSchema = schema,
            });

            // With the client's own tools too, the model must call one of them or answer through the JSON tool.
            choice = choice switch
            {
                { Type: "tool" } => choice,
                _ when request.Tools is { Count: > 0 } && choice?.Type != "none" => new AnthropicToolChoice { Type = "any" },
                _ => new AnthropicToolChoice { Type = "tool", Name = JsonToolName },
            };
        }

        if (request.ParallelToolCalls == false && wire.Tools is { Count: > 0 })
        {
            choice ??= new AnthropicToolChoice { Type = "auto" };
            if (choice.Type != "none")
            {
                choice.DisableParallelToolUse = true;
            }
        }

        wire.ToolChoice = choice;
    }

    private static JsonElement ParseElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
