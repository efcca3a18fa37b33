using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Pure translations between the canonical chat model and the Converse API records
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). No I/O.
/// </summary>
/// <remarks>
/// Capabilities are declared per provider, not per model, so what only Claude models accept is checked here against
/// the model id: extended thinking (and reasoning blocks sent back) is refused with a 400 for other models, and
/// top-k is sent in the field each model family reads (<c>top_k</c> for Claude and Mistral) or refused.
/// </remarks>
internal static class BedrockMapper
{
    /// <summary>The forced tool that carries a JSON-mode answer: Converse has no response_format, so its input is the answer.</summary>
    public const string JsonToolName = "json_response";

    private static readonly JsonElement EmptyObjectSchema = ParseElement("""{"type":"object","properties":{}}""");
    private static readonly JsonElement AnyObjectSchema = ParseElement("""{"type":"object"}""");

    /// <summary>Whether the answer must be JSON, carried by the <see cref="JsonToolName"/> tool.</summary>
    public static bool IsJsonMode(ChatRequest request) =>
        request.ResponseFormat is { Kind: ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema };

    /// <summary>
    /// Whether a model id names an Anthropic Claude model: a base id (<c>anthropic.claude-...</c>), a cross-region
    /// inference profile (<c>us.anthropic.claude-...</c>) or an ARN that contains one. Application inference profile
    /// ARNs do not name their model, so they count as not Claude.
    /// </summary>
    public static bool IsClaude(string modelId) => modelId.Contains("anthropic.claude", StringComparison.Ordinal);

    private static bool IsMistral(string modelId) => modelId.Contains("mistral.", StringComparison.Ordinal);

    /// <summary>Builds the Converse body. Throws <see cref="ProviderException"/> (400) for what cannot be expressed.</summary>
    public static BedrockConverseRequest ToWire(ChatRequest request, string providerName)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureSupported(request, providerName);
        var state = new MappingState(providerName);
        var wire = new BedrockConverseRequest();

        // Step 1: system and developer messages become the top-level system blocks; the rest alternate user/assistant.
        List<BedrockSystemBlock>? system = null;
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            switch (message.Role)
            {
                case ChatRole.System or ChatRole.Developer:
                    MapSystem(message, i, state, system ??= []);
                    break;
                case ChatRole.User:
                    Append(wire.Messages, "user", MapUser(message, i, state));
                    break;
                case ChatRole.Assistant:
                    Append(wire.Messages, "assistant", MapAssistant(message, i, request.Model, state));
                    break;
                case ChatRole.Tool:
                    // Tool results travel in a user turn, merged with any user content next to them.
                    Append(wire.Messages, "user", MapToolResult(message, i, state));
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The message role '{message.Role}'");
            }
        }

        wire.System = system is { Count: > 0 } ? system : null;

        // Step 2: inference parameters common to every model.
        if (request.MaxTokens is not null || request.Temperature is not null || request.TopP is not null || request.Stop is { Count: > 0 })
        {
            wire.InferenceConfig = new BedrockInferenceConfig
            {
                MaxTokens = request.MaxTokens,
                Temperature = request.Temperature,
                TopP = request.TopP,
                StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            };
        }

        // Step 3: model-specific fields: top_k and Claude's extended thinking.
        wire.AdditionalModelRequestFields = AdditionalFields(request, providerName);

        // Step 4: tools, tool choice, and JSON mode as a forced tool.
        wire.ToolConfig = MapTools(request, state);
        return wire;
    }

    /// <summary>Maps a Converse answer. In JSON mode the <see cref="JsonToolName"/> call's input is the answer text.</summary>
    public static ChatResponse FromWire(BedrockConverseResponse response, bool jsonMode, string id, string model, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(response);
        var parts = new List<ContentPart>();
        List<ToolCall>? toolCalls = null;
        var sawJsonTool = false;
        foreach (var block in response.Output?.Message?.Content ?? [])
        {
            if (block.Text is { } text)
            {
                parts.Add(new TextPart(text));
            }
            else if (block.ReasoningContent is { } reasoning)
            {
                if (reasoning.ReasoningText is { } reasoningText)
                {
                    parts.Add(new ThinkingPart(reasoningText.Text ?? string.Empty, reasoningText.Signature)
                    {
                        SignatureFamily = reasoningText.Signature is { Length: > 0 } ? SignatureFamilies.Anthropic : null,
                    });
                }
                else if (reasoning.RedactedContent is { } redacted)
                {
                    parts.Add(new RedactedThinkingPart(redacted) { SignatureFamily = SignatureFamilies.Anthropic });
                }
            }
            else if (block.ToolUse is { } toolUse)
            {
                if (jsonMode && toolUse.Name == JsonToolName)
                {
                    parts.Add(new TextPart(CompactJson(toolUse.Input)));
                    sawJsonTool = true;
                }
                else
                {
                    (toolCalls ??= []).Add(new ToolCall(toolUse.ToolUseId ?? string.Empty, toolUse.Name ?? string.Empty, CompactJson(toolUse.Input)));
                }
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

        return new ChatResponse
        {
            Id = id,
            Model = model,
            Created = created,
            Choices = [new ChatChoice(0, new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = toolCalls }, finish)],
            Usage = response.Usage is { } usage ? MapUsage(usage) : null,
        };
    }

    /// <summary>Converse's <c>stopReason</c> in OpenAI's vocabulary; <see langword="null"/> when absent.</summary>
    public static FinishReason? MapStopReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => FinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "content_filtered" or "guardrail_intervened" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    /// <summary>
    /// Canonical usage counts every prompt token. Bedrock's <c>inputTokens</c> counts only the tokens that were neither
    /// read from nor written to the prompt cache (the cache counts are reported beside it, as Anthropic's are; see
    /// https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html), so the three are added.
    /// </summary>
    public static ChatUsage MapUsage(BedrockUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var cacheRead = usage.CacheReadInputTokens ?? 0;
        var cacheWrite = usage.CacheWriteInputTokens ?? 0;
        return new ChatUsage
        {
            InputTokens = (usage.InputTokens ?? 0) + cacheRead + cacheWrite,
            CachedInputTokens = cacheRead,
            CacheWriteTokens = cacheWrite,
            OutputTokens = usage.OutputTokens ?? 0,
        };
    }

    /// <summary>
    /// Maps an error response: its type from the <c>x-amzn-ErrorType</c> header (the part before any <c>:</c>), else the
    /// body's <c>__type</c>; its message from the body's <c>message</c>. An unparseable body gives a generic message.
    /// </summary>
    public static ProviderException MapError(int statusCode, string? errorTypeHeader, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        var (message, bodyType) = ReadErrorBody(body);
        var errorType = ShortType(errorTypeHeader) ?? ShortType(bodyType);
        return new ProviderException(ProviderErrorKind.Upstream, statusCode, message ?? string.Create(CultureInfo.InvariantCulture, $"The Bedrock upstream answered with status {statusCode}."))
        {
            ErrorType = MapErrorType(errorType, statusCode),
            ErrorCode = errorType,
            RetryAfter = retryAfter,
        };
    }

    /// <summary>Maps an exception message that arrives in a 200 event stream (<c>:exception-type</c>, such as <c>throttlingException</c>).</summary>
    public static ProviderException MapStreamException(string? exceptionType, ReadOnlySpan<byte> payload)
    {
        var type = exceptionType is { Length: > 0 } ? char.ToUpperInvariant(exceptionType[0]) + exceptionType[1..] : null;
        var statusCode = type switch
        {
            "ValidationException" => 400,
            "ThrottlingException" => 429,
            "ModelStreamErrorException" => 424,
            "ServiceUnavailableException" => 503,
            _ => 500,
        };
        var (message, _) = ReadErrorBody(payload);
        return new ProviderException(ProviderErrorKind.Upstream, statusCode, message ?? "The Bedrock upstream reported an error mid-stream.")
        {
            ErrorType = MapErrorType(type, statusCode),
            ErrorCode = type,
        };
    }

    /// <summary>Bedrock Runtime's error types in OpenAI's vocabulary (https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html).</summary>
    public static string MapErrorType(string? bedrockType, int statusCode) => bedrockType switch
    {
        "ValidationException" => "invalid_request_error",
        "ResourceNotFoundException" => "not_found_error",
        "AccessDeniedException" => "permission_error",
        "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "IncompleteSignature" => "authentication_error",
        "ThrottlingException" or "ServiceQuotaExceededException" => "rate_limit_error",
        "ModelTimeoutException" => "timeout_error",
        "ModelNotReadyException" or "ServiceUnavailableException" or "InternalServerException" or "ModelErrorException" or "ModelStreamErrorException" => "api_error",
        _ => statusCode switch
        {
            404 => "not_found_error",
            400 or 409 or 413 or 422 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            429 => "rate_limit_error",
            _ => "api_error",
        },
    };

    /// <summary>Compact JSON text of a tool input; an absent input is <c>{}</c>.</summary>
    public static string CompactJson(JsonElement? input) =>
        input is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element
            ? JsonSerializer.Serialize(element, BedrockJsonContext.Default.JsonElement)
            : "{}";

    /// <summary>
    /// A document name Bedrock accepts: the file name without its extension (else the title), with every character but
    /// letters, digits, hyphens, parentheses and square brackets turned into a space, runs of whitespace collapsed, at
    /// most 200 characters, and made unique within the request; <c>document-N</c> when nothing is left.
    /// </summary>
    public static string DocumentName(DocumentPart document, ISet<string> used)
    {
        var source = document.FileName is { Length: > 0 } fileName ? Path.GetFileNameWithoutExtension(fileName) : document.Title;
        var builder = new StringBuilder();
        foreach (var c in source ?? string.Empty)
        {
            var keep = char.IsLetterOrDigit(c) || c is '-' or '(' or ')' or '[' or ']';
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        var name = builder.ToString().Trim();
        if (name.Length > 190)
        {
            name = name[..190].TrimEnd();
        }

        if (name.Length == 0)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"document-{used.Count + 1}");
        }

        var unique = name;
        for (var n = 2; !used.Add(unique); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{name}-{n}");
        }

        return unique;
    }

    private static void EnsureSupported(ChatRequest request, string providerName)
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
            throw ProviderException.Unsupported(providerName, "A sampling seed (seed; the Converse API has no seed parameter)");
        }

        if (request.PresencePenalty is { } presence && presence != 0)
        {
            throw ProviderException.Unsupported(providerName, "presence_penalty");
        }

        if (request.FrequencyPenalty is { } frequency && frequency != 0)
        {
            throw ProviderException.Unsupported(providerName, "frequency_penalty");
        }

        if (request.Reasoning is { Enabled: true } && !IsClaude(request.Model))
        {
            throw ProviderException.Unsupported(
                providerName,
                $"Extended thinking / reasoning on model '{request.Model}' (on Bedrock only Anthropic Claude model ids take it)");
        }

        if (request.TopK is not null && !IsClaude(request.Model) && !IsMistral(request.Model))
        {
            throw ProviderException.Unsupported(providerName, $"Top-k sampling (top_k) on model '{request.Model}' (on Bedrock only Claude and Mistral model ids take it)");
        }

        if (request.ParallelToolCalls == false && request.Tools is { Count: > 0 })
        {
            throw ProviderException.Unsupported(providerName, "parallel_tool_calls: false (the Converse API cannot switch off parallel tool use)");
        }
    }

    private static JsonObject? AdditionalFields(ChatRequest request, string providerName)
    {
        JsonObject? fields = null;
        if (request.TopK is { } topK)
        {
            (fields ??= [])["top_k"] = topK;
        }

        if (request.Reasoning is { Enabled: true } reasoning)
        {
            var budget = reasoning.BudgetTokens ?? ReasoningOptions.EffortBudgets(reasoning.Effort ?? "medium");
            if (budget < 1)
            {
                throw ProviderException.Unsupported(providerName, "A reasoning budget below 1 token");
            }

            (fields ??= [])["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget };
        }

        return fields;
    }

    private static void Append(List<BedrockMessage> messages, string role, List<BedrockContentBlock> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        // Converse wants user and assistant turns to alternate: consecutive turns of one role become one.
        if (messages.Count > 0 && messages[^1].Role == role)
        {
            messages[^1].Content.AddRange(blocks);
        }
        else
        {
            messages.Add(new BedrockMessage { Role = role, Content = blocks });
        }
    }

    private static void MapSystem(ChatMessage message, int index, MappingState state, List<BedrockSystemBlock> system)
    {
        foreach (var part in message.Parts)
        {
            if (part is not TextPart text)
            {
                throw ProviderException.Unsupported(state.ProviderName, $"The content part '{part.GetType().Name}' in a system message (messages[{index}])");
            }

            if (text.Text.Length > 0)
            {
                system.Add(new BedrockSystemBlock { Text = text.Text });
            }

            if (part.CacheControl is { } cache && system.Count > 0)
            {
                system.Add(new BedrockSystemBlock { CachePoint = CachePoint(cache) });
            }
        }
    }

    private static List<BedrockContentBlock> MapUser(ChatMessage message, int index, MappingState state)
    {
        var blocks = new List<BedrockContentBlock>(message.Parts.Count);
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    blocks.Add(new BedrockContentBlock { Text = text.Text });
                    break;
                case TextPart:
                    // Converse rejects blank text blocks.
                    break;
                case ImagePart image:
                    blocks.Add(new BedrockContentBlock { Image = MapImage(image, index, state.ProviderName) });
                    break;
                case DocumentPart document:
                    blocks.Add(new BedrockContentBlock { Document = MapDocument(document, index, state) });
                    break;
                default:
                    throw ProviderException.Unsupported(state.ProviderName, $"The content part '{part.GetType().Name}' in a {message.Role.ToString().ToLowerInvariant()} message (messages[{index}])");
            }

            AddCachePoint(blocks, part.CacheControl);
        }

        return blocks;
    }

    private static List<BedrockContentBlock> MapAssistant(ChatMessage message, int index, string model, MappingState state)
    {
        // Reasoning blocks come first, as the model produced them; then text; then the tool calls.
        var blocks = new List<BedrockContentBlock>(message.Parts.Count + (message.ToolCalls?.Count ?? 0));
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case ThinkingPart thinking:
                    RequireClaude(model, index, state.ProviderName);
                    blocks.Add(new BedrockContentBlock
                    {
                        ReasoningContent = new BedrockReasoningContent
                        {
                            ReasoningText = new BedrockReasoningText { Text = thinking.Text, Signature = thinking.Signature },
                        },
                    });
                    break;
                case RedactedThinkingPart redacted:
                    RequireClaude(model, index, state.ProviderName);
                    blocks.Add(new BedrockContentBlock { ReasoningContent = new BedrockReasoningContent { RedactedContent = redacted.Data } });
                    break;
                case TextPart { Text.Length: > 0 } text:
                    blocks.Add(new BedrockContentBlock { Text = text.Text });
                    break;
                case TextPart:
                    break;
                default:
                    throw ProviderException.Unsupported(state.ProviderName, $"The content part '{part.GetType().Name}' in an assistant message (messages[{index}])");
            }

            AddCachePoint(blocks, part.CacheControl);
        }

        if (message.Refusal is { Length: > 0 } refusal && !message.Parts.OfType<TextPart>().Any(t => t.Text.Length > 0))
        {
            blocks.Add(new BedrockContentBlock { Text = refusal });
        }

        var calls = message.ToolCalls ?? [];
        for (var c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            state.HasToolBlocks = true;
            blocks.Add(new BedrockContentBlock
            {
                ToolUse = new BedrockToolUseBlock { ToolUseId = call.Id, Name = call.Name, Input = ParseArguments(call.ArgumentsJson, index, c, state.ProviderName) },
            });
            AddCachePoint(blocks, call.CacheControl);
        }

        AddCachePoint(blocks, message.CacheControl);
        return blocks;
    }

    private static List<BedrockContentBlock> MapToolResult(ChatMessage message, int index, MappingState state)
    {
        if (string.IsNullOrEmpty(message.ToolCallId))
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, $"messages[{index}]: a tool message needs tool_call_id.")
            {
                ErrorType = "invalid_request_error",
                Param = $"messages[{index}].tool_call_id",
            };
        }

        state.HasToolBlocks = true;
        var result = new BedrockToolResultBlock { ToolUseId = message.ToolCallId, Status = message.IsError ? "error" : null };
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    result.Content.Add(new BedrockToolResultContent { Text = text.Text });
                    break;
                case TextPart:
                    break;
                case ImagePart image:
                    result.Content.Add(new BedrockToolResultContent { Image = MapImage(image, index, state.ProviderName) });
                    break;
                case DocumentPart document:
                    result.Content.Add(new BedrockToolResultContent { Document = MapDocument(document, index, state) });
                    break;
                default:
                    throw ProviderException.Unsupported(state.ProviderName, $"The content part '{part.GetType().Name}' in a tool message (messages[{index}])");
            }
        }

        if (result.Content.Count == 0)
        {
            // A tool that returned nothing still answers its call; Converse needs at least one content member.
            result.Content.Add(new BedrockToolResultContent { Text = string.Empty });
        }

        var blocks = new List<BedrockContentBlock> { new() { ToolResult = result } };
        AddCachePoint(blocks, message.CacheControl ?? message.Parts.LastOrDefault(p => p.CacheControl is not null)?.CacheControl);
        return blocks;
    }

    private static BedrockImageBlock MapImage(ImagePart image, int index, string providerName)
    {
        if (!image.TryGetInlineData(out var mediaType, out var data))
        {
            throw ProviderException.Unsupported(
                providerName,
                $"An image given by URL (messages[{index}]; the Converse API takes image bytes only: send a base64 data: URL)");
        }

        var format = mediaType.ToLowerInvariant() switch
        {
            "image/png" => "png",
            "image/jpeg" or "image/jpg" => "jpeg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            _ => throw ProviderException.Unsupported(providerName, $"The image type '{mediaType}' (messages[{index}]; Converse takes png, jpeg, gif and webp)"),
        };
        return new BedrockImageBlock { Format = format, Source = new BedrockBytesSource { Bytes = data } };
    }

    private static BedrockDocumentBlock MapDocument(DocumentPart document, int index, MappingState state)
    {
        if (document.Url is not null)
        {
            throw ProviderException.Unsupported(
                state.ProviderName,
                $"A document given by URL (messages[{index}]; the Converse API takes document bytes only: send the file inline)");
        }

        var format = DocumentFormat(document.MediaType)
            ?? DocumentFormat(document.FileName)
            ?? (document.Text is not null ? "txt" : null)
            ?? throw ProviderException.Unsupported(
                state.ProviderName,
                $"The document type '{document.MediaType ?? "(none)"}' (messages[{index}]; Converse takes pdf, csv, doc, docx, xls, xlsx, html, txt and md)");
        var bytes = document.Data ?? Convert.ToBase64String(Encoding.UTF8.GetBytes(document.Text ?? string.Empty));
        return new BedrockDocumentBlock
        {
            Format = format,
            Name = DocumentName(document, state.DocumentNames),
            Source = new BedrockBytesSource { Bytes = bytes },
            Context = document.Context,
        };
    }

    // A media type, or a file name's extension, as Converse's DocumentFormat.
    private static string? DocumentFormat(string? mediaTypeOrFileName)
    {
        if (string.IsNullOrEmpty(mediaTypeOrFileName))
        {
            return null;
        }

        var value = mediaTypeOrFileName.Split(';')[0].Trim().ToLowerInvariant();
        return value switch
        {
            "application/pdf" => "pdf",
            "text/csv" => "csv",
            "application/msword" => "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
            "application/vnd.ms-excel" => "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
            "text/html" => "html",
            "text/plain" => "txt",
            "text/markdown" => "md",
            _ when !value.Contains('/', StringComparison.Ordinal) => Path.GetExtension(value).TrimStart('.') switch
            {
                "htm" => "html",
                "markdown" => "md",
                var ext when ext is "pdf" or "csv" or "doc" or "docx" or "xls" or "xlsx" or "html" or "txt" or "md" => ext,
                _ => null,
            },
            _ => null,
        };
    }

    private static BedrockToolConfig? MapTools(ChatRequest request, MappingState state)
    {
        var jsonMode = IsJsonMode(request);
        var choice = request.ToolChoice;
        var tools = new List<BedrockTool>();
        if (request.Tools is { Count: > 0 } defined)
        {
            if (choice is { Mode: ToolChoiceMode.None } && !jsonMode)
            {
                // Converse has no "none" choice. Leaving the tools out keeps the model from calling them, but a request that
                // already holds tool calls or results must declare its tools, so there "none" cannot be expressed.
                if (state.HasToolBlocks)
                {
                    throw ProviderException.Unsupported(
                        state.ProviderName,
                        "tool_choice \"none\" in a conversation that already holds tool calls (the Converse API has no \"none\" choice and needs the tools declared)");
                }

                return null;
            }

            if (choice is not { Mode: ToolChoiceMode.None })
            {
                foreach (var tool in defined)
                {
                    tools.Add(new BedrockTool
                    {
                        ToolSpec = new BedrockToolSpec
                        {
                            Name = tool.Name,
                            Description = string.IsNullOrEmpty(tool.Description) ? null : tool.Description,
                            InputSchema = new BedrockToolInputSchema { Json = tool.Parameters is { ValueKind: JsonValueKind.Object } p ? p : EmptyObjectSchema },
                        },
                    });
                    if (tool.CacheControl is { } cache)
                    {
                        tools.Add(new BedrockTool { CachePoint = CachePoint(cache) });
                    }
                }
            }
        }
        else if (state.HasToolBlocks && !jsonMode)
        {
            throw new ProviderException(
                ProviderErrorKind.Unsupported,
                400,
                $"The conversation holds tool calls or tool results but the request declares no tools; provider '{state.ProviderName}' (the Converse API) needs them declared.")
            {
                ErrorType = "invalid_request_error",
                Param = "tools",
            };
        }

        BedrockToolChoice? wireChoice = choice switch
        {
            null or { Mode: ToolChoiceMode.None } => null,
            { Mode: ToolChoiceMode.Auto } => new BedrockToolChoice { Auto = new BedrockEmpty() },
            { Mode: ToolChoiceMode.Required } => new BedrockToolChoice { Any = new BedrockEmpty() },
            { Mode: ToolChoiceMode.Function, FunctionName: { Length: > 0 } name } => new BedrockToolChoice { Tool = new BedrockSpecificTool { Name = name } },
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
            tools.Add(new BedrockTool
            {
                ToolSpec = new BedrockToolSpec
                {
                    Name = JsonToolName,
                    Description = "Respond with a JSON object" + (request.ResponseFormat?.SchemaName is { Length: > 0 } n ? $" ({n})." : "."),
                    InputSchema = new BedrockToolInputSchema { Json = schema },
                },
            });

            // With the client's own tools too, the model must call one of them or answer through the JSON tool.
            wireChoice = wireChoice switch
            {
                { Tool: not null } => wireChoice,
                _ when tools.Count > 1 => new BedrockToolChoice { Any = new BedrockEmpty() },
                _ => new BedrockToolChoice { Tool = new BedrockSpecificTool { Name = JsonToolName } },
            };
        }

        return tools.Count == 0 ? null : new BedrockToolConfig { Tools = tools, ToolChoice = wireChoice };
    }

    private static void RequireClaude(string model, int index, string providerName)
    {
        if (!IsClaude(model))
        {
            throw ProviderException.Unsupported(providerName, $"Reasoning blocks sent back to model '{model}' (messages[{index}]; on Bedrock only Anthropic Claude model ids take them)");
        }
    }

    private static void AddCachePoint(List<BedrockContentBlock> blocks, CacheControl? cache)
    {
        // A cache point closes the prefix before it; one with nothing before it in the message marks nothing.
        if (cache is not null && blocks.Count > 0 && blocks[^1].CachePoint is null)
        {
            blocks.Add(new BedrockContentBlock { CachePoint = CachePoint(cache) });
        }
    }

    private static BedrockCachePoint CachePoint(CacheControl cache) => new() { Ttl = cache.Ttl is "5m" or "1h" ? cache.Ttl : null };

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

    private static (string? Message, string? Type) ReadErrorBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? message = null, type = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                if (property.NameEquals("message") || property.NameEquals("Message"))
                {
                    message = property.Value.GetString();
                }
                else if (property.NameEquals("__type") || property.NameEquals("code"))
                {
                    type = property.Value.GetString();
                }
            }

            return (string.IsNullOrEmpty(message) ? null : message, type);
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; the status still says what happened.
            return (null, null);
        }
    }

    // "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" and "com.amazon#ValidationException" both give "ValidationException".
    private static string? ShortType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var value = type.Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            value = value[..colon];
        }

        var hash = value.LastIndexOf('#');
        return hash >= 0 ? value[(hash + 1)..] : value;
    }

    private static JsonElement ParseElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class MappingState(string providerName)
    {
        public string ProviderName { get; } = providerName;

        public HashSet<string> DocumentNames { get; } = new(StringComparer.Ordinal);

        public bool HasToolBlocks { get; set; }
    }
}
