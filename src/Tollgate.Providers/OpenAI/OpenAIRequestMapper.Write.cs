using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>Writing canonical requests as OpenAI request bodies.</summary>
/// <remarks>
/// What an OpenAI-format upstream cannot take is handled so: reasoning parts (<see cref="ThinkingPart"/>,
/// <see cref="RedactedThinkingPart"/>) are not sent - Chat Completions has no input field for them and the model
/// reasons afresh each turn; the provider counts and logs what it leaves out, as <c>CapabilityGuard</c> does for
/// what it strips (see <see cref="CountReasoningParts"/>). Cache markers and citations flags are not written (the guard strips or refuses
/// them first). A <see cref="DocumentPart"/> becomes a <c>file</c> part (inline data) or a <c>text</c> part (a text
/// document); a document by URL is refused.
/// </remarks>
public static partial class OpenAIRequestMapper
{
    private static readonly HashSet<string> KnownFields =
    [
        "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "response_format", "temperature", "top_p",
        "max_tokens", "max_completion_tokens", "stop", "seed", "n", "user", "logprobs", "top_logprobs",
        "presence_penalty", "frequency_penalty", "stream", "stream_options", "reasoning_effort", "top_k",
    ];

    /// <summary>Writes <paramref name="request"/> as an OpenAI request body, additional properties included.</summary>
    public static void Write(Utf8JsonWriter writer, ChatRequest request) => Write(writer, request, capabilities: null, providerName: null);

    /// <summary>
    /// Writes <paramref name="request"/> for an upstream with <paramref name="capabilities"/>: <c>top_k</c>, which
    /// OpenAI's API does not define, is written only when they say <see cref="ProviderCapabilities.TopK"/> and refused
    /// otherwise (no capabilities: written when set).
    /// </summary>
    /// <exception cref="ProviderException">Something the upstream cannot express (400).</exception>
    public static void Write(Utf8JsonWriter writer, ChatRequest request, ProviderCapabilities? capabilities, string? providerName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        if (request.TopK is not null && capabilities is { TopK: false })
        {
            throw ProviderException.Unsupported(providerName ?? "openai", "Top-k sampling (top_k)");
        }

        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            WriteMessage(writer, message);
        }

        writer.WriteEndArray();
        if (request.Tools is { Count: > 0 } tools)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", tool.Name);
                if (tool.Description is not null)
                {
                    writer.WriteString("description", tool.Description);
                }

                if (tool.Parameters is { } parameters)
                {
                    writer.WritePropertyName("parameters");
                    parameters.WriteTo(writer);
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
            writer.WritePropertyName("tool_choice");
            WriteToolChoice(writer, choice);
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls", parallel);
        }

        if (request.ResponseFormat is { } format)
        {
            WriteResponseFormat(writer, format);
        }

        WriteNumber(writer, "temperature", request.Temperature);
        WriteNumber(writer, "top_p", request.TopP);
        if (request.TopK is { } topK)
        {
            writer.WriteNumber("top_k", topK);
        }

        // An effort as the client gave it, else the effort for its budget; reasoning switched off is "none" only
        // when the client said so (an Anthropic "disabled" has no OpenAI counterpart but the default).
        if (request.Reasoning is { } reasoning)
        {
            var effort = reasoning.Enabled
                ? reasoning.Effort ?? (reasoning.BudgetTokens is { } budget ? ReasoningOptions.BudgetEffort(budget) : null)
                : reasoning.Effort == "none" ? "none" : null;
            if (effort is not null)
            {
                writer.WriteString("reasoning_effort", effort);
            }
        }
        if (request.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber("max_completion_tokens", maxTokens);
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop");
            foreach (var s in stop)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
        }

        if (request.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (request.N is { } n)
        {
            writer.WriteNumber("n", n);
        }

        if (request.User is { } user)
        {
            writer.WriteString("user", user);
        }

        if (request.Logprobs is { } logprobs)
        {
            writer.WriteBoolean("logprobs", logprobs);
        }

        if (request.TopLogprobs is { } topLogprobs)
        {
            writer.WriteNumber("top_logprobs", topLogprobs);
        }

        WriteNumber(writer, "presence_penalty", request.PresencePenalty);
        WriteNumber(writer, "frequency_penalty", request.FrequencyPenalty);
        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
            writer.WriteStartObject("stream_options");
            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
        }

        if (request.AdditionalProperties is { } additional)
        {
            foreach (var (name, node) in additional)
            {
                if (KnownFields.Contains(name))
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (node is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    node.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>How many reasoning parts <see cref="Write(Utf8JsonWriter, ChatRequest)"/> leaves out of a request.</summary>
    public static int CountReasoningParts(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = 0;
        foreach (var message in request.Messages)
        {
            foreach (var part in message.Parts)
            {
                if (part is ThinkingPart or RedactedThinkingPart)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        var parts = message.Parts.Any(p => p is ThinkingPart or RedactedThinkingPart)
            ? message.Parts.Where(p => p is not (ThinkingPart or RedactedThinkingPart)).ToList()
            : message.Parts;
        writer.WriteStartObject();
        writer.WriteString("role", message.Role switch
        {
            ChatRole.System => "system",
            ChatRole.Developer => "developer",
            ChatRole.User => "user",
            ChatRole.Assistant => "assistant",
            _ => "tool",
        });

        if (parts.Count == 0)
        {
            if (message.Role == ChatRole.Assistant)
            {
                writer.WriteNull("content");
            }
            else
            {
                writer.WriteString("content", string.Empty);
            }
        }
        else if (parts.Count == 1 && parts[0] is TextPart single)
        {
            writer.WriteString("content", single.Text);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var part in parts)
            {
                if (part is DocumentPart document)
                {
                    WriteDocument(writer, document);
                    continue;
                }

                writer.WriteStartObject();
                switch (part)
                {
                    case TextPart text:
                        writer.WriteString("type", "text");
                        writer.WriteString("text", text.Text);
                        break;
                    case ImagePart image:
                        writer.WriteString("type", "image_url");
                        writer.WriteStartObject("image_url");
                        writer.WriteString("url", image.Url);
                        if (image.Detail is not null)
                        {
                            writer.WriteString("detail", image.Detail);
                        }

                        writer.WriteEndObject();
                        break;
                    default:
                        throw new ProviderException(ProviderErrorKind.Unsupported, 400, $"Content part '{part.GetType().Name}' cannot be sent to an OpenAI-format upstream.")
                        {
                            ErrorType = "invalid_request_error",
                        };
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (message.Name is not null)
        {
            writer.WriteString("name", message.Name);
        }

        if (message.ToolCalls is { Count: > 0 } calls)
        {
            // Plain ids: a signature an upstream could take would have to reach it in its own format, and its tool
            // results name the plain id.
            OpenAIResponseMapper.WriteToolCalls(writer, calls, encodeSignatures: false);
        }

        if (message.ToolCallId is not null)
        {
            writer.WriteString("tool_call_id", message.ToolCallId);
        }

        if (message.Refusal is not null)
        {
            writer.WriteString("refusal", message.Refusal);
        }

        writer.WriteEndObject();
    }

    // Inline data: a file part with a data: URL; a text document (plain text, or inline text/*): a text part, title and
    // context first, as paragraphs; by URL: refused, as Chat Completions takes no file URLs.
    private static void WriteDocument(Utf8JsonWriter writer, DocumentPart document)
    {
        var text = document.Text;
        if (text is null && !string.IsNullOrEmpty(document.Data) && document.MediaType is { } type && type.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(document.Data));
            }
            catch (FormatException ex)
            {
                throw new ProviderException(ProviderErrorKind.Unsupported, 400, "A text document's data is not valid base64.", ex)
                {
                    ErrorType = "invalid_request_error",
                };
            }
        }

        if (text is null && !string.IsNullOrEmpty(document.Data))
        {
            var mediaType = string.IsNullOrEmpty(document.MediaType) ? "application/pdf" : document.MediaType;
            if (document.Title is not null || document.Context is not null)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", string.Join("\n\n", new[] { document.Title, document.Context }.Where(t => !string.IsNullOrEmpty(t))));
                writer.WriteEndObject();
            }

            writer.WriteStartObject();
            writer.WriteString("type", "file");
            writer.WriteStartObject("file");
            writer.WriteString("file_data", $"data:{mediaType};base64,{document.Data}");
            writer.WriteString("filename", document.FileName ?? document.Title ?? (mediaType == "application/pdf" ? "document.pdf" : "document"));
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        if (text is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", string.Join("\n\n", new[] { document.Title, document.Context, text }.Where(t => !string.IsNullOrEmpty(t))));
            writer.WriteEndObject();
            return;
        }

        throw new ProviderException(ProviderErrorKind.Unsupported, 400, "A document given by URL cannot be sent to an OpenAI-format upstream: send it inline (base64) instead.")
        {
            ErrorType = "invalid_request_error",
            ErrorCode = "unsupported_feature",
        };
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ToolChoice choice)
    {
        switch (choice.Mode)
        {
            case ToolChoiceMode.Auto:
                writer.WriteStringValue("auto");
                break;
            case ToolChoiceMode.None:
                writer.WriteStringValue("none");
                break;
            case ToolChoiceMode.Required:
                writer.WriteStringValue("required");
                break;
            default:
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", choice.FunctionName);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormat format)
    {
        writer.WriteStartObject("response_format");
        switch (format.Kind)
        {
            case ResponseFormatKind.Text:
                writer.WriteString("type", "text");
                break;
            case ResponseFormatKind.JsonObject:
                writer.WriteString("type", "json_object");
                break;
            default:
                writer.WriteString("type", "json_schema");
                writer.WriteStartObject("json_schema");
                writer.WriteString("name", format.SchemaName);
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
                break;
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
