using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;

namespace Tollgate.Providers.Gemini;

/// <summary>
/// Pure translations between the canonical chat model and Google's generateContent records, shared by the Gemini API and
/// Vertex AI (the request and answer shapes are the same). No I/O.
/// </summary>
internal static class GeminiMapper
{
    private static readonly Dictionary<string, string> ImageTypesByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".heic"] = "image/heic",
        [".heif"] = "image/heif",
        [".gif"] = "image/gif",
    };

    /// <summary>
    /// Builds the request body. Throws <see cref="ProviderException"/> (400) for what cannot be expressed.
    /// </summary>
    /// <remarks>
    /// Step 1: system and developer messages become <c>systemInstruction</c>.
    /// Step 2: the other messages become <c>contents</c> (assistant as <c>model</c>, tool results as <c>functionResponse</c>
    /// parts of a <c>user</c> turn, named after the call they answer); consecutive turns of one role are merged.
    /// Step 3: tools and tool choice. Step 4: <c>generationConfig</c>.
    /// </remarks>
    public static GeminiGenerateContentRequest ToWire(ChatRequest request, string providerName, bool vertex)
    {
        var wire = new GeminiGenerateContentRequest();

        // Step 1
        var system = new List<GeminiPart>();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            switch (message.Role)
            {
                case ChatRole.System or ChatRole.Developer:
                    foreach (var part in message.Parts)
                    {
                        if (part is not TextPart text)
                        {
                            throw ProviderException.Unsupported(providerName, $"Non-text content in a system message (messages[{i}])");
                        }

                        if (text.Text.Length > 0)
                        {
                            system.Add(new GeminiPart { Text = text.Text });
                        }
                    }

                    break;

                // Step 2
                case ChatRole.User:
                    Append(wire.Contents, "user", MapParts(message, i, providerName, vertex, allowThinking: false));
                    break;
                case ChatRole.Assistant:
                    Append(wire.Contents, "model", MapAssistant(message, i, providerName, vertex, callNames));
                    break;
                case ChatRole.Tool:
                    Append(wire.Contents, "user", [MapToolResult(message, i, providerName, callNames)]);
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The message role '{message.Role}'");
            }
        }

        if (system.Count > 0)
        {
            wire.SystemInstruction = new GeminiContent { Parts = system };
        }

        if (wire.Contents.Count == 0)
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, "messages: Gemini needs at least one user or assistant message besides system instructions.")
            {
                ErrorType = "invalid_request_error",
                Param = "messages",
            };
        }

        // Step 3
        MapTools(request, wire, providerName);

        // Step 4
        wire.GenerationConfig = MapGenerationConfig(request, providerName);
        return wire;
    }

    /// <summary>Maps a non-streamed answer. <paramref name="requestModel"/> names the model when the answer does not.</summary>
    /// <exception cref="ProviderException">The prompt was blocked (400, <c>content_filter</c>).</exception>
    public static ChatResponse FromWire(GeminiGenerateContentResponse response, string requestModel, DateTimeOffset created)
    {
        if (response.Candidates is not { Count: > 0 } && response.PromptFeedback?.BlockReason is { } blocked)
        {
            throw PromptBlocked(blocked, response.PromptFeedback.BlockReasonMessage);
        }

        var choices = new List<ChatChoice>();
        var candidates = response.Candidates ?? [];
        for (var c = 0; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            var index = candidate.Index ?? c;
            var parts = new List<ContentPart>();
            List<ToolCall>? toolCalls = null;
            foreach (var part in candidate.Content?.Parts ?? [])
            {
                if (part.FunctionCall is { } call)
                {
                    toolCalls ??= [];
                    toolCalls.Add(new ToolCall(call.Id ?? ToolCallId(response.ResponseId, index, toolCalls.Count), call.Name ?? string.Empty, CompactJson(call.Args))
                    {
                        Signature = part.ThoughtSignature,
                        SignatureFamily = part.ThoughtSignature is null ? null : SignatureFamilies.Gemini,
                    });
                    continue;
                }

                AddContentParts(part, parts);
            }

            var finish = MapFinishReason(candidate.FinishReason);
            if (finish == FinishReason.Stop && toolCalls is not null)
            {
                finish = FinishReason.ToolCalls;
            }

            var message = new ChatMessage(ChatRole.Assistant, toolCalls is null ? EnsureText(parts) : parts)
            {
                ToolCalls = toolCalls,
            };
            choices.Add(new ChatChoice(index, message, finish, MapLogprobs(candidate.LogprobsResult)));
        }

        return new ChatResponse
        {
            Id = response.ResponseId ?? string.Empty,
            Model = response.ModelVersion ?? requestModel,
            Created = created,
            Choices = choices,
            Usage = response.UsageMetadata is { } usage ? MapUsage(usage) : null,
        };
    }

    /// <summary>
    /// Normalises <c>usageMetadata</c> to OpenAI's semantics. Per the UsageMetadata reference, <c>promptTokenCount</c>
    /// already includes <c>cachedContentTokenCount</c> ("when cachedContent is set, this is still the total effective
    /// prompt size"), <c>toolUsePromptTokenCount</c> is counted apart from it, and <c>candidatesTokenCount</c> excludes
    /// <c>thoughtsTokenCount</c> (<c>totalTokenCount</c> is the sum of prompt, tool-use prompt, candidates and thoughts).
    /// </summary>
    public static ChatUsage MapUsage(GeminiUsageMetadata usage)
    {
        var thoughts = usage.ThoughtsTokenCount ?? 0;
        return new ChatUsage
        {
            InputTokens = (usage.PromptTokenCount ?? 0) + (usage.ToolUsePromptTokenCount ?? 0),
            CachedInputTokens = usage.CachedContentTokenCount ?? 0,
            OutputTokens = (usage.CandidatesTokenCount ?? 0) + thoughts,
            ReasoningTokens = thoughts,
        };
    }

    /// <summary>A candidate's <c>finishReason</c> in OpenAI's vocabulary; <see langword="null"/> when absent.</summary>
    public static FinishReason? MapFinishReason(string? finishReason) => finishReason switch
    {
        null or "" or "FINISH_REASON_UNSPECIFIED" => null,
        "STOP" => FinishReason.Stop,
        "MAX_TOKENS" => FinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY"
            or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => FinishReason.ContentFilter,

        // MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, UNEXPECTED_TOOL_CALL, ...: the answer ended without a usable result.
        _ => FinishReason.Stop,
    };

    /// <summary>The error for a prompt Google refused to answer (<c>promptFeedback.blockReason</c>).</summary>
    public static ProviderException PromptBlocked(string blockReason, string? detail) =>
        new(ProviderErrorKind.Upstream, 400, string.IsNullOrEmpty(detail)
            ? $"The prompt was blocked by Gemini's content filters (blockReason: {blockReason})."
            : $"The prompt was blocked by Gemini's content filters (blockReason: {blockReason}): {detail}")
        {
            ErrorType = "invalid_request_error",
            ErrorCode = "content_filter",
        };

    /// <summary>
    /// Maps an error status and Google's error body (<c>{"error":{"code","message","status","details"}}</c>). The retry
    /// delay comes from Retry-After, else from a <c>google.rpc.RetryInfo</c> detail. <paramref name="secret"/> (the API
    /// key or access token) is cut out of the message should the upstream ever echo it.
    /// </summary>
    public static ProviderException MapError(int statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, string? secret)
    {
        GeminiError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GeminiErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // An HTML page from a proxy or load balancer: the status still says what happened.
        }

        // A stream answering [{"error":...}] (the JSON-array framing) is not expected with alt=sse; the status is enough.
        return MapError(statusCode, error, retryAfter, secret);
    }

    /// <summary>Maps an already parsed Google error (also sent in place of a chunk mid-stream).</summary>
    public static ProviderException MapError(int statusCode, GeminiError? error, TimeSpan? retryAfter, string? secret)
    {
        var message = string.IsNullOrEmpty(error?.Message)
            ? string.Create(CultureInfo.InvariantCulture, $"The Google upstream answered with status {statusCode}.")
            : Redact(error.Message, secret);
        return new ProviderException(ProviderErrorKind.Upstream, statusCode, message)
        {
            ErrorType = MapErrorType(error?.Status, statusCode),
            ErrorCode = error?.Status,
            RetryAfter = retryAfter ?? RetryDelay(error),
        };
    }

    /// <summary>Google's canonical error statuses in OpenAI's vocabulary (https://cloud.google.com/apis/design/errors).</summary>
    public static string MapErrorType(string? status, int statusCode) => status switch
    {
        "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => "invalid_request_error",
        "UNAUTHENTICATED" => "authentication_error",
        "PERMISSION_DENIED" => "permission_error",
        "NOT_FOUND" => "not_found_error",
        "RESOURCE_EXHAUSTED" => "rate_limit_error",
        _ => statusCode switch
        {
            400 or 409 or 413 or 422 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            _ => "api_error",
        },
    };

    /// <summary>A stable id for a call Gemini gave none: the same answer always yields the same ids, streamed or not.</summary>
    public static string ToolCallId(string? responseId, int candidateIndex, int callIndex)
    {
        var seed = string.Create(CultureInfo.InvariantCulture, $"{responseId}/{candidateIndex}/{callIndex}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return "call_" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    /// <summary>Compact JSON text of function-call arguments; absent arguments are <c>{}</c>.</summary>
    public static string CompactJson(JsonElement? args) =>
        args is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element
            ? JsonSerializer.Serialize(element, GeminiJsonContext.Default.JsonElement)
            : "{}";

    /// <summary>
    /// Adds the canonical parts of one non-call answer part. A <c>thought</c> part becomes a <see cref="ThinkingPart"/>
    /// carrying its signature; a signature on an ordinary text part becomes an empty <see cref="ThinkingPart"/> placed
    /// just before the text, so <see cref="ToWire"/> can put it back on that same part.
    /// </summary>
    public static void AddContentParts(GeminiPart part, List<ContentPart> parts)
    {
        if (part.Thought == true)
        {
            parts.Add(new ThinkingPart(part.Text ?? string.Empty, part.ThoughtSignature)
            {
                SignatureFamily = part.ThoughtSignature is null ? null : SignatureFamilies.Gemini,
            });
            return;
        }

        if (part.ThoughtSignature is { } signature)
        {
            parts.Add(new ThinkingPart(string.Empty, signature) { SignatureFamily = SignatureFamilies.Gemini });
        }

        if (part.Text is { } text)
        {
            if (parts.Count > 0 && parts[^1] is TextPart previous && part.ThoughtSignature is null)
            {
                parts[^1] = previous with { Text = previous.Text + text };
            }
            else
            {
                parts.Add(new TextPart(text));
            }
        }
    }

    /// <summary>Gemini's <c>logprobsResult</c> in OpenAI's <c>logprobs</c> shape (<c>{"content":[{token, logprob, bytes, top_logprobs}]}</c>).</summary>
    public static JsonElement? MapLogprobs(GeminiLogprobsResult? result)
    {
        if (result?.ChosenCandidates is not { } chosen)
        {
            return null;
        }

        var content = new JsonArray();
        for (var i = 0; i < chosen.Count; i++)
        {
            var top = new JsonArray();
            if (result.TopCandidates is { } tops && i < tops.Count)
            {
                foreach (var alternative in tops[i].Candidates ?? [])
                {
                    top.Add(TokenNode(alternative));
                }
            }

            var entry = TokenNode(chosen[i]);
            entry["top_logprobs"] = top;
            content.Add(entry);
        }

        return JsonSerializer.SerializeToElement(new JsonObject { ["content"] = content }, GeminiJsonContext.Default.JsonObject);
    }

    private static JsonObject TokenNode(GeminiLogprobCandidate candidate)
    {
        var token = candidate.Token ?? string.Empty;
        var bytes = new JsonArray();
        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            bytes.Add((int)b);
        }

        return new JsonObject { ["token"] = token, ["logprob"] = candidate.LogProbability ?? 0, ["bytes"] = bytes };
    }

    private static List<ContentPart> EnsureText(List<ContentPart> parts)
    {
        if (!parts.Any(p => p is TextPart))
        {
            parts.Add(new TextPart(string.Empty));
        }

        return parts;
    }

    private static TimeSpan? RetryDelay(GeminiError? error)
    {
        foreach (var detail in error?.Details ?? [])
        {
            if (detail.ValueKind == JsonValueKind.Object &&
                detail.TryGetProperty("@type", out var type) && type.ValueKind == JsonValueKind.String &&
                type.GetString() == "type.googleapis.com/google.rpc.RetryInfo" &&
                detail.TryGetProperty("retryDelay", out var delay) && delay.ValueKind == JsonValueKind.String &&
                delay.GetString() is { Length: > 1 } text && text.EndsWith('s') &&
                double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                // google.protobuf.Duration in JSON: decimal seconds with an "s" suffix, such as "13s" or "1.5s".
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }

    private static string Redact(string message, string? secret) =>
        string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "[redacted]", StringComparison.Ordinal);

    private static void Append(List<GeminiContent> contents, string role, List<GeminiPart> parts)
    {
        if (parts.Count == 0)
        {
            return;
        }

        // One turn per role change: the function responses of parallel calls share one user turn, as the docs show.
        if (contents.Count > 0 && contents[^1].Role == role)
        {
            contents[^1].Parts!.AddRange(parts);
        }
        else
        {
            contents.Add(new GeminiContent { Role = role, Parts = parts });
        }
    }

    private static List<GeminiPart> MapParts(ChatMessage message, int index, string providerName, bool vertex, bool allowThinking)
    {
        var parts = new List<GeminiPart>(message.Parts.Count);
        string? pendingSignature = null;
        for (var p = 0; p < message.Parts.Count; p++)
        {
            var part = message.Parts[p];
            switch (part)
            {
                case ThinkingPart { Text.Length: 0, Signature: { Length: > 0 } signature } when allowThinking:
                    // The signature of the next part (see AddContentParts); a lone one is sent as an empty thought.
                    if (p + 1 < message.Parts.Count && message.Parts[p + 1] is TextPart)
                    {
                        pendingSignature = signature;
                    }
                    else
                    {
                        parts.Add(new GeminiPart { Text = string.Empty, Thought = true, ThoughtSignature = signature });
                    }

                    break;
                case ThinkingPart thinking when allowThinking:
                    parts.Add(new GeminiPart { Text = thinking.Text, Thought = true, ThoughtSignature = thinking.Signature is { Length: > 0 } s ? s : null });
                    break;
                case ThinkingPart or RedactedThinkingPart:
                    throw ProviderException.Unsupported(providerName, $"Reasoning content in a {message.Role} message (messages[{index}])");
                case TextPart text:
                    if (text.Text.Length > 0 || pendingSignature is not null)
                    {
                        parts.Add(new GeminiPart { Text = text.Text, ThoughtSignature = pendingSignature });
                    }

                    pendingSignature = null;
                    break;
                case ImagePart image:
                    parts.Add(MapImage(image, index, providerName, vertex));
                    break;
                case DocumentPart document:
                    MapDocument(document, index, providerName, vertex, parts);
                    break;
                default:
                    throw ProviderException.Unsupported(providerName, $"The content part '{part.GetType().Name}' (messages[{index}])");
            }
        }

        return parts;
    }

    private static List<GeminiPart> MapAssistant(ChatMessage message, int index, string providerName, bool vertex, Dictionary<string, string> callNames)
    {
        if (!string.IsNullOrEmpty(message.Refusal) && message.Parts.Count == 0)
        {
            return [new GeminiPart { Text = message.Refusal }];
        }

        var parts = MapParts(message, index, providerName, vertex, allowThinking: true);
        if (message.ToolCalls is not { Count: > 0 } calls)
        {
            return parts;
        }

        for (var c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            callNames[call.Id] = call.Name;
            parts.Add(new GeminiPart
            {
                FunctionCall = new GeminiFunctionCall
                {
                    // Ids Tollgate made up (call_...) were never Gemini's: the call is matched by name and order then.
                    Id = IsGeminiId(call.Id) ? call.Id : null,
                    Name = call.Name,
                    Args = ParseArguments(call.ArgumentsJson, index, c, providerName),
                },
                ThoughtSignature = call.Signature is { Length: > 0 } signature ? signature : null,
            });
        }

        return parts;
    }

    private static GeminiPart MapToolResult(ChatMessage message, int index, string providerName, Dictionary<string, string> callNames)
    {
        if (string.IsNullOrEmpty(message.ToolCallId))
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, $"messages[{index}]: a tool message needs tool_call_id.")
            {
                ErrorType = "invalid_request_error",
                Param = $"messages[{index}].tool_call_id",
            };
        }

        // Gemini pairs a result with its call by the function's name, which only the assistant turn that made the call knows.
        if (!callNames.TryGetValue(message.ToolCallId, out var name))
        {
            throw new ProviderException(
                ProviderErrorKind.Unsupported,
                400,
                $"messages[{index}]: tool_call_id '{message.ToolCallId}' matches no tool call of an earlier assistant message; provider '{providerName}' needs the function name of every tool result.")
            {
                ErrorType = "invalid_request_error",
                Param = $"messages[{index}].tool_call_id",
            };
        }

        if (message.Parts.Any(p => p is not TextPart))
        {
            throw ProviderException.Unsupported(providerName, $"Non-text tool results (messages[{index}])");
        }

        // FunctionResponse.response must be an object: "output" carries the result and "error" a failure.
        var response = new JsonObject { [message.IsError ? "error" : "output"] = message.GetText() };
        return new GeminiPart
        {
            FunctionResponse = new GeminiFunctionResponse
            {
                Id = IsGeminiId(message.ToolCallId) ? message.ToolCallId : null,
                Name = name,
                Response = JsonSerializer.SerializeToElement(response, GeminiJsonContext.Default.JsonObject),
            },
        };
    }

    private static bool IsGeminiId(string id) => id.Length > 0 && !id.StartsWith("call_", StringComparison.Ordinal);

    private static GeminiPart MapImage(ImagePart image, int index, string providerName, bool vertex)
    {
        if (image.TryGetInlineData(out var mediaType, out var data))
        {
            return new GeminiPart { InlineData = new GeminiBlob { MimeType = mediaType, Data = data } };
        }

        if (Uri.TryCreate(image.Url, UriKind.Absolute, out var uri) && IsFetchable(uri, vertex))
        {
            if (!ImageTypesByExtension.TryGetValue(Path.GetExtension(uri.AbsolutePath), out var mimeType))
            {
                throw ProviderException.Unsupported(providerName, $"An image URL whose type cannot be told from its extension (.png, .jpg, .jpeg, .webp, .heic, .heif, .gif); send it as a base64 data: URL instead (messages[{index}])");
            }

            return new GeminiPart { FileData = new GeminiFileData { MimeType = mimeType, FileUri = image.Url } };
        }

        throw ProviderException.Unsupported(providerName, vertex
            ? $"An image that is neither a base64 data: URL nor an http(s) or gs:// URL (messages[{index}])"
            : $"An image that is neither a base64 data: URL nor an http(s) URL (messages[{index}])");
    }

    private static void MapDocument(DocumentPart document, int index, string providerName, bool vertex, List<GeminiPart> parts)
    {
        // Title and context are prompt text for Gemini, which has no field for them.
        if (!string.IsNullOrEmpty(document.Title))
        {
            parts.Add(new GeminiPart { Text = $"Document title: {document.Title}" });
        }

        if (!string.IsNullOrEmpty(document.Context))
        {
            parts.Add(new GeminiPart { Text = document.Context });
        }

        if (document.Text is { } text)
        {
            parts.Add(new GeminiPart { Text = text });
            return;
        }

        if (string.IsNullOrEmpty(document.MediaType))
        {
            throw ProviderException.Unsupported(providerName, $"A document without a media type (messages[{index}])");
        }

        if (document.Data is { } data)
        {
            parts.Add(new GeminiPart { InlineData = new GeminiBlob { MimeType = document.MediaType, Data = data } });
            return;
        }

        if (document.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsFetchable(uri, vertex))
        {
            parts.Add(new GeminiPart { FileData = new GeminiFileData { MimeType = document.MediaType, FileUri = url } });
            return;
        }

        throw ProviderException.Unsupported(providerName, $"A document URL that is not {(vertex ? "http(s) or gs://" : "http(s)")} (messages[{index}])");
    }

    // Vertex AI reads Cloud Storage (gs://) and http(s) URLs. The Gemini API fetches public and signed http(s) URLs in
    // fileData (https://ai.google.dev/gemini-api/docs/file-input-methods), but Cloud Storage only after registering the
    // object, which a chat request cannot do: gs:// is refused there.
    private static bool IsFetchable(Uri uri, bool vertex) =>
        uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp || (vertex && uri.Scheme == "gs");

    private static JsonElement ParseArguments(string argumentsJson, int messageIndex, int callIndex, string providerName)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return JsonSerializer.SerializeToElement(new JsonObject(), GeminiJsonContext.Default.JsonObject);
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

    private static void MapTools(ChatRequest request, GeminiGenerateContentRequest wire, string providerName)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            var declarations = new List<GeminiFunctionDeclaration>(tools.Count);
            foreach (var tool in tools)
            {
                declarations.Add(new GeminiFunctionDeclaration
                {
                    Name = tool.Name,
                    Description = tool.Description,
                    ParametersJsonSchema = tool.Parameters is { ValueKind: JsonValueKind.Object } schema ? schema : null,
                });
            }

            wire.Tools = [new GeminiTool { FunctionDeclarations = declarations }];
        }

        if (request.ToolChoice is not { } choice)
        {
            return;
        }

        if (wire.Tools is null && choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            throw new ProviderException(ProviderErrorKind.Unsupported, 400, "tool_choice requires a tool call but no tools were given.")
            {
                ErrorType = "invalid_request_error",
                Param = "tool_choice",
            };
        }

        if (wire.Tools is null)
        {
            return;
        }

        wire.ToolConfig = new GeminiToolConfig
        {
            FunctionCallingConfig = choice.Mode switch
            {
                ToolChoiceMode.None => new GeminiFunctionCallingConfig { Mode = "NONE" },
                ToolChoiceMode.Required => new GeminiFunctionCallingConfig { Mode = "ANY" },
                ToolChoiceMode.Function when !string.IsNullOrEmpty(choice.FunctionName) =>
                    new GeminiFunctionCallingConfig { Mode = "ANY", AllowedFunctionNames = [choice.FunctionName] },
                ToolChoiceMode.Function => throw ProviderException.Unsupported(providerName, "tool_choice of type function without a name"),
                _ => new GeminiFunctionCallingConfig { Mode = "AUTO" },
            },
        };
    }

    private static GeminiGenerationConfig? MapGenerationConfig(ChatRequest request, string providerName)
    {
        var config = new GeminiGenerationConfig
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            MaxOutputTokens = request.MaxTokens,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            CandidateCount = request.N is > 1 ? request.N : null,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
        };

        if (request.Seed is { } seed)
        {
            config.Seed = seed is >= int.MinValue and <= int.MaxValue
                ? (int)seed
                : throw new ProviderException(ProviderErrorKind.Unsupported, 400, $"seed must fit in 32 bits for provider '{providerName}'.")
                {
                    ErrorType = "invalid_request_error",
                    Param = "seed",
                };
        }

        if (request.Logprobs == true)
        {
            config.ResponseLogprobs = true;
            config.Logprobs = request.TopLogprobs;
        }

        switch (request.ResponseFormat)
        {
            case { Kind: ResponseFormatKind.JsonObject }:
                config.ResponseMimeType = "application/json";
                break;
            case { Kind: ResponseFormatKind.JsonSchema, Schema: { } schema }:
                // responseJsonSchema takes standard JSON Schema; responseSchema only an OpenAPI subset.
                config.ResponseMimeType = "application/json";
                config.ResponseJsonSchema = schema;
                break;
            case { Kind: ResponseFormatKind.JsonSchema }:
                config.ResponseMimeType = "application/json";
                break;
        }

        config.ThinkingConfig = MapThinking(request.Reasoning, request.Model);

        var empty = config.Temperature is null && config.TopP is null && config.TopK is null && config.MaxOutputTokens is null &&
            config.StopSequences is null && config.CandidateCount is null && config.PresencePenalty is null &&
            config.FrequencyPenalty is null && config.Seed is null && config.ResponseLogprobs is null &&
            config.ResponseMimeType is null && config.ThinkingConfig is null;
        return empty ? null : config;
    }

    /// <summary>
    /// Gemini 3 and later take a <c>thinkingLevel</c>; Gemini 2.5 a <c>thinkingBudget</c> (the two together are a 400).
    /// Efforts become budgets by <see cref="ReasoningOptions.EffortBudgets"/> and budgets levels by
    /// <see cref="ReasoningOptions.BudgetEffort"/>. Switching reasoning off is budget 0 on 2.5; Gemini 3 cannot switch it
    /// off, so it gets the lowest level every Gemini 3 model accepts, <c>low</c>.
    /// </summary>
    private static GeminiThinkingConfig? MapThinking(ReasoningOptions? reasoning, string model)
    {
        if (reasoning is null)
        {
            return null;
        }

        var levels = UsesThinkingLevel(model);
        if (!reasoning.Enabled)
        {
            return levels ? new GeminiThinkingConfig { ThinkingLevel = "low" } : new GeminiThinkingConfig { ThinkingBudget = 0 };
        }

        var config = new GeminiThinkingConfig { IncludeThoughts = true };
        if (levels)
        {
            config.ThinkingLevel = reasoning.Effort ?? (reasoning.BudgetTokens is { } budget ? ReasoningOptions.BudgetEffort(budget) : null);
        }
        else
        {
            config.ThinkingBudget = reasoning.BudgetTokens ?? (reasoning.Effort is { } effort ? ReasoningOptions.EffortBudgets(effort) : null);
        }

        return config;
    }

    private static bool UsesThinkingLevel(string model)
    {
        var name = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
        if (!name.StartsWith("gemini-", StringComparison.Ordinal))
        {
            return false;
        }

        var version = name.AsSpan("gemini-".Length);
        var end = version.IndexOfAny('-', '.');
        return int.TryParse(end < 0 ? version : version[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major >= 3;
    }
}
