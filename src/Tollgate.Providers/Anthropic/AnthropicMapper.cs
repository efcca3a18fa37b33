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

    /// <summary>The smallest <c>thinking.budget_tokens</c> the Messages API accepts.</summary>
    public const int MinThinkingBudget = 1024;

    /// <summary>Room left for the answer when Tollgate raises a default <c>max_tokens</c> above a thinking budget.</summary>
    public const int AnswerTokensAfterThinking = 4096;

    private const string PdfMediaType = "application/pdf";

    private static readonly JsonElement CitationsEnabled = ParseElement("""{"enabled":true}""");
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
    /// <remarks>
    /// Step 1: system and developer messages become the top-level <c>system</c> (a string, or an array of text blocks
    /// when there are several parts or any cache marker); the other messages become alternating user/assistant turns.
    /// Step 2: tools, tool choice, and JSON mode as a forced tool.
    /// Step 3: the thinking configuration (see <see cref="ApplyReasoning"/>), which may raise <c>max_tokens</c>.
    /// </remarks>
    public static AnthropicMessagesRequest ToWire(ChatRequest request, AnthropicProviderOptions options, bool stream)
    {
        EnsureSupported(request, options.Name);
        var wire = new AnthropicMessagesRequest
        {
            Model = request.Model,
            MaxTokens = ResolveMaxTokens(request, options),
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            Metadata = request.User is { Length: > 0 } user ? new AnthropicMetadata { UserId = user } : null,
            Stream = stream ? true : null,
        };

        // Step 1
        var system = new List<AnthropicContentBlock>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            switch (message.Role)
            {
                case ChatRole.System or ChatRole.Developer:
                    AppendSystem(system, message, i, options.Name);
                    break;
                case ChatRole.User:
                    Append(wire.Messages, "user", WithMessageMarker(MapContentParts(message, i, options.Name), message.CacheControl));
                    break;
                case ChatRole.Assistant:
                    Append(wire.Messages, "assistant", WithMessageMarker(MapAssistant(message, i, options.Name), message.CacheControl));
                    break;
                case ChatRole.Tool:
                    Append(wire.Messages, "user", [MapToolResult(message, i, options.Name)]);
                    break;
                default:
                    throw ProviderException.Unsupported(options.Name, $"The message role '{message.Role}'");
            }
        }

        wire.System = system.Count switch
        {
            0 => null,
            1 when system[0].CacheControl is null => JsonSerializer.SerializeToElement(system[0].Text!, AnthropicJsonContext.Default.String),
            _ => JsonSerializer.SerializeToElement(system, AnthropicJsonContext.Default.ListAnthropicContentBlock),
        };

        // Step 2
        MapTools(request, wire);

        // Step 3
        ApplyReasoning(request, wire, options.Name);
        return wire;
    }

    /// <summary>
    /// Sets <c>thinking</c> from <see cref="ChatRequest.Reasoning"/>. The Messages API wants
    /// <c>1024 &lt;= budget_tokens &lt; max_tokens</c>; Tollgate resolves it so:
    /// an explicit budget below 1024, or not below a max_tokens the client set, is refused (400) - both are the
    /// client's own numbers and Tollgate does not change them. A budget derived from an effort
    /// (<see cref="ReasoningOptions.EffortBudgets"/>; <c>medium</c> when neither is given) is lowered to fit under a
    /// client-set max_tokens (refused when that leaves less than 1024). When the client set no max_tokens and the
    /// default is not above the budget, max_tokens is raised to the budget plus <see cref="AnswerTokensAfterThinking"/>.
    /// </summary>
    public static void ApplyReasoning(ChatRequest request, AnthropicMessagesRequest wire, string providerName)
    {
        if (request.Reasoning is not { } reasoning)
        {
            return;
        }

        if (!reasoning.Enabled)
        {
            wire.Thinking = new AnthropicThinkingConfig { Type = "disabled" };
            return;
        }

        int budget;
        if (reasoning.BudgetTokens is { } requested)
        {
            if (requested < MinThinkingBudget)
            {
                throw InvalidRequest(
                    string.Create(CultureInfo.InvariantCulture, $"The reasoning budget of {requested} tokens is below the minimum of {MinThinkingBudget} that provider '{providerName}' (Anthropic extended thinking) accepts."),
                    "reasoning.budget_tokens");
            }

            if (request.MaxTokens is { } max && requested >= max)
            {
                throw InvalidRequest(
                    string.Create(CultureInfo.InvariantCulture, $"The reasoning budget of {requested} tokens must be less than max_tokens ({max}) for provider '{providerName}': Anthropic counts thinking within max_tokens."),
                    "max_tokens");
            }

            budget = requested;
        }
        else
        {
            budget = ReasoningOptions.EffortBudgets(reasoning.Effort ?? "medium");
            if (request.MaxTokens is { } max)
            {
                budget = Math.Min(budget, max - 1);
                if (budget < MinThinkingBudget)
                {
                    throw InvalidRequest(
                        string.Create(CultureInfo.InvariantCulture, $"max_tokens of {max} leaves no room for reasoning on provider '{providerName}': Anthropic extended thinking needs a budget of at least {MinThinkingBudget} tokens below max_tokens. Ask for more than {MinThinkingBudget + 1} max_tokens, or no reasoning."),
                        "max_tokens");
                }
            }
        }

        if (request.MaxTokens is null && wire.MaxTokens <= budget)
        {
            wire.MaxTokens = budget + AnswerTokensAfterThinking;
        }

        wire.Thinking = new AnthropicThinkingConfig { Type = "enabled", BudgetTokens = budget };
    }

    /// <summary>Maps a non-streamed answer. In JSON mode the <see cref="JsonToolName"/> call's input is the answer text.</summary>
    /// <remarks>
    /// Parts keep the answer's block order: <c>thinking</c> becomes a <see cref="ThinkingPart"/> with its signature,
    /// <c>redacted_thinking</c> a <see cref="RedactedThinkingPart"/> (both of the <see cref="SignatureFamilies.Anthropic"/>
    /// family), each <c>text</c> block a <see cref="TextPart"/> with its citations. Server-tool blocks are not part of
    /// a chat completion and are skipped.
    /// </remarks>
    public static ChatResponse FromWire(AnthropicMessagesResponse response, bool jsonMode, DateTimeOffset created)
    {
        var parts = new List<ContentPart>();
        List<ToolCall>? toolCalls = null;
        var sawJsonTool = false;
        foreach (var block in response.Content ?? [])
        {
            switch (block.Type)
            {
                case "text":
                    parts.Add(new TextPart(block.Text ?? string.Empty)
                    {
                        Citations = block.Citations is { ValueKind: JsonValueKind.Array } citations && citations.GetArrayLength() > 0 ? citations : null,
                    });
                    break;
                case "thinking":
                    parts.Add(new ThinkingPart(block.Thinking ?? string.Empty, string.IsNullOrEmpty(block.Signature) ? null : block.Signature)
                    {
                        SignatureFamily = SignatureFamilies.Anthropic,
                    });
                    break;
                case "redacted_thinking":
                    parts.Add(new RedactedThinkingPart(block.Data ?? string.Empty) { SignatureFamily = SignatureFamilies.Anthropic });
                    break;
                case "tool_use" when jsonMode && block.Name == JsonToolName:
                    parts.Add(new TextPart(CompactJson(block.Input)));
                    sawJsonTool = true;
                    break;
                case "tool_use":
                    (toolCalls ??= []).Add(new ToolCall(block.Id ?? string.Empty, block.Name ?? string.Empty, CompactJson(block.Input)));
                    break;
                default:
                    // server_tool_use, web_search_tool_result and other server-tool blocks have no place in a chat completion.
                    break;
            }
        }

        var finish = MapStopReason(response.StopReason);
        if (finish == FinishReason.ToolCalls && toolCalls is null && sawJsonTool)
        {
            finish = FinishReason.Stop;
        }

        if (toolCalls is null && !parts.Any(p => p is TextPart))
        {
            parts.Add(new TextPart(string.Empty));
        }

        var message = new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = toolCalls };
        return new ChatResponse
        {
            Id = response.Id ?? string.Empty,
            Model = response.Model ?? string.Empty,
            Created = created,
            Choices = [new ChatChoice(0, message, finish) { StopSequence = string.IsNullOrEmpty(response.StopSequence) ? null : response.StopSequence }],
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

    private static void AppendSystem(List<AnthropicContentBlock> system, ChatMessage message, int index, string providerName)
    {
        var first = system.Count;
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    system.Add(new AnthropicContentBlock { Type = "text", Text = text.Text, CacheControl = Cache(text.CacheControl) });
                    break;
                case TextPart:
                    // The Messages API rejects empty text blocks.
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The content part '{PartName(part)}' in a system message (messages[{index}]; Anthropic's system prompt takes text only)");
            }
        }

        if (message.CacheControl is { } marker && system.Count > first && system[^1].CacheControl is null)
        {
            system[^1].CacheControl = Cache(marker);
        }
    }

    private static List<AnthropicContentBlock> MapContentParts(ChatMessage message, int index, string providerName)
    {
        var blocks = new List<AnthropicContentBlock>(message.Parts.Count);
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    blocks.Add(new AnthropicContentBlock { Type = "text", Text = text.Text, CacheControl = Cache(text.CacheControl) });
                    break;
                case TextPart:
                    // The Messages API rejects empty text blocks.
                    break;
                case ImagePart image:
                    var block = MapImage(image, index, providerName);
                    block.CacheControl = Cache(image.CacheControl);
                    blocks.Add(block);
                    break;
                case DocumentPart document:
                    blocks.Add(MapDocument(document, index, providerName));
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The content part '{PartName(part)}' in a {message.Role.ToString().ToLowerInvariant()} message (messages[{index}])");
            }
        }

        return blocks;
    }

    // Order within an assistant turn: thinking and redacted_thinking first (the Messages API wants the turn to start
    // with them when thinking is on), then text and other content in the client's order, then tool_use.
    private static List<AnthropicContentBlock> MapAssistant(ChatMessage message, int index, string providerName)
    {
        var blocks = new List<AnthropicContentBlock>(message.Parts.Count + (message.ToolCalls?.Count ?? 0));
        var others = new List<ContentPart>(message.Parts.Count);
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case ThinkingPart thinking:
                    if (string.IsNullOrEmpty(thinking.Signature) || !IsAnthropicFamily(thinking.SignatureFamily))
                    {
                        throw ProviderException.Unsupported(providerName, $"Reasoning without an Anthropic signature in assistant history (messages[{index}]; the Messages API takes back only thinking blocks it signed)");
                    }

                    blocks.Add(new AnthropicContentBlock { Type = "thinking", Thinking = thinking.Text, Signature = thinking.Signature });
                    break;
                case RedactedThinkingPart redacted:
                    if (!IsAnthropicFamily(redacted.SignatureFamily) || redacted.Data.Length == 0)
                    {
                        throw ProviderException.Unsupported(providerName, $"Redacted reasoning of another provider family (messages[{index}])");
                    }

                    blocks.Add(new AnthropicContentBlock { Type = "redacted_thinking", Data = redacted.Data });
                    break;
                default:
                    others.Add(part);
                    break;
            }
        }

        if (others.Count > 0)
        {
            blocks.AddRange(MapContentParts(new ChatMessage(message.Role, others), index, providerName));
        }

        if (message.ToolCalls is not { Count: > 0 } calls)
        {
            return blocks;
        }

        for (var c = 0; c < calls.Count; c++)
        {
            // A call's Signature is Gemini state (CapabilityGuard strips it on the way here); Claude has none to send.
            var call = calls[c];
            blocks.Add(new AnthropicContentBlock
            {
                Type = "tool_use",
                Id = call.Id,
                Name = call.Name,
                Input = ParseArguments(call.ArgumentsJson, index, c, providerName),
                CacheControl = Cache(call.CacheControl),
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
        if (message.Parts.All(p => p is TextPart { CacheControl: null }))
        {
            content = JsonSerializer.SerializeToElement(message.GetText(), AnthropicJsonContext.Default.String);
        }
        else
        {
            content = JsonSerializer.SerializeToElement(MapContentParts(message, index, providerName), AnthropicJsonContext.Default.ListAnthropicContentBlock);
        }

        return new AnthropicContentBlock
        {
            Type = "tool_result",
            ToolUseId = message.ToolCallId,
            Content = content,
            IsError = message.IsError ? true : null,
            CacheControl = Cache(message.CacheControl),
        };
    }

    private static AnthropicContentBlock MapDocument(DocumentPart document, int index, string providerName)
    {
        AnthropicImageSource source;
        if (!string.IsNullOrEmpty(document.Data))
        {
            var mediaType = string.IsNullOrEmpty(document.MediaType) ? PdfMediaType : document.MediaType;
            if (string.Equals(mediaType, PdfMediaType, StringComparison.OrdinalIgnoreCase))
            {
                source = new AnthropicImageSource { Type = "base64", MediaType = PdfMediaType, Data = document.Data };
            }
            else if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            {
                // The Messages API takes plain text documents as a text source, not as base64.
                source = new AnthropicImageSource { Type = "text", MediaType = "text/plain", Data = DecodeText(document.Data, index) };
            }
            else
            {
                throw ProviderException.Unsupported(providerName, $"A document of media type '{mediaType}' (messages[{index}]; Anthropic takes PDF and plain text documents)");
            }
        }
        else if (!string.IsNullOrEmpty(document.Url))
        {
            if (!Uri.TryCreate(document.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw ProviderException.Unsupported(providerName, $"A document URL that is not http(s) (messages[{index}])");
            }

            source = new AnthropicImageSource { Type = "url", Url = document.Url };
        }
        else if (document.Text is not null)
        {
            source = new AnthropicImageSource { Type = "text", MediaType = "text/plain", Data = document.Text };
        }
        else
        {
            throw InvalidRequest($"messages[{index}]: a document needs inline data, a URL or text.", $"messages[{index}].content");
        }

        return new AnthropicContentBlock
        {
            Type = "document",
            Source = source,
            Title = document.Title ?? document.FileName,
            Context = document.Context,
            Citations = document.Citations ? CitationsEnabled : null,
            CacheControl = Cache(document.CacheControl),
        };
    }

    private static string DecodeText(string base64, int index)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw InvalidRequest($"messages[{index}]: the text document's data is not valid base64.", $"messages[{index}].content");
        }
    }

    // A marker on the message as a whole applies to its last block, unless that block has its own.
    private static List<AnthropicContentBlock> WithMessageMarker(List<AnthropicContentBlock> blocks, CacheControl? marker)
    {
        if (marker is not null && blocks.Count > 0 && blocks[^1].CacheControl is null && blocks[^1].Type is not ("thinking" or "redacted_thinking"))
        {
            blocks[^1].CacheControl = Cache(marker);
        }

        return blocks;
    }

    private static AnthropicCacheControl? Cache(CacheControl? marker) =>
        marker is null ? null : new AnthropicCacheControl { Type = marker.Type, Ttl = marker.Ttl };

    private static bool IsAnthropicFamily(string? family) => family is null || family == SignatureFamilies.Anthropic;

    private static string PartName(ContentPart part) => part switch
    {
        ImagePart => "image",
        DocumentPart => "document",
        ThinkingPart => "thinking",
        RedactedThinkingPart => "redacted_thinking",
        _ => part.GetType().Name,
    };

    private static ProviderException InvalidRequest(string message, string param) =>
        new(ProviderErrorKind.Unsupported, 400, message)
        {
            ErrorType = "invalid_request_error",
            Param = param,
        };

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
                CacheControl = Cache(t.CacheControl),
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
