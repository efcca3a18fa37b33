using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>Writing canonical requests as OpenAI request bodies.</summary>
public static partial class OpenAIRequestMapper
{
    private static readonly HashSet<string> KnownFields =
    [
        "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "response_format", "temperature", "top_p",
        "max_tokens", "max_completion_tokens", "stop", "seed", "n", "user", "logprobs", "top_logprobs",
        "presence_penalty", "frequency_penalty", "stream", "stream_options",
    ];

    /// <summary>Writes <paramref name="request"/> as an OpenAI request body, additional properties included.</summary>
    public static void Write(Utf8JsonWriter writer, ChatRequest request)
    {
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

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", message.Role switch
        {
            ChatRole.System => "system",
            ChatRole.Developer => "developer",
            ChatRole.User => "user",
            ChatRole.Assistant => "assistant",
            _ => "tool",
        });

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
        }
        else if (message.Parts.All(p => p is TextPart) && message.Parts.Count == 1)
        {
            writer.WriteString("content", ((TextPart)message.Parts[0]).Text);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var part in message.Parts)
            {
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
            OpenAIResponseMapper.WriteToolCalls(writer, calls);
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
