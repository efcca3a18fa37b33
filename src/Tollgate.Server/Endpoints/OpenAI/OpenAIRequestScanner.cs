using System.Text.Json;
using Tollgate.Core.Errors;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// Reads an OpenAI request body once with <see cref="Utf8JsonReader"/>: checks that it is well-formed JSON, that the
/// top-level fields Tollgate knows have the right types, and finds the model name's position so the pass-through can
/// rewrite it. Deeper validation (message contents) is the upstream's, whose 400 reaches the client in OpenAI's shape.
/// </summary>
internal static class OpenAIRequestScanner
{
    public static OpenAIRequestScan Scan(ReadOnlySpan<byte> body, bool requireMessages, bool requireInput = false)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        string? model = null;
        int modelStart = 0, modelEnd = 0;
        bool stream = false, hasStreamOptions = false, includeUsage = false, hasMessages = false, hasInput = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw GatewayException.InvalidRequest("The request body must be a JSON object.", code: "invalid_json");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw InvalidType("model", "a string", reader.TokenType);
                    }

                    model = reader.GetString();
                    modelStart = (int)reader.TokenStartIndex;
                    modelEnd = (int)reader.BytesConsumed;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType switch
                    {
                        JsonTokenType.True => true,
                        JsonTokenType.False or JsonTokenType.Null => false,
                        var t => throw InvalidType("stream", "a boolean", t),
                    };
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();

                    // Present even when null: the pass-through must not inject a second stream_options key.
                    hasStreamOptions = true;
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw InvalidType("stream_options", "an object", reader.TokenType);
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("include_usage"u8))
                        {
                            reader.Read();
                            includeUsage = reader.TokenType == JsonTokenType.True;
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw InvalidType("messages", "an array", reader.TokenType);
                    }

                    reader.Read();
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        throw GatewayException.InvalidRequest("'messages' must contain at least one message.", "messages");
                    }

                    hasMessages = true;
                    SkipRestOfArray(ref reader);
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    hasInput = reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("temperature"u8) || reader.ValueTextEquals("top_p"u8) ||
                         reader.ValueTextEquals("presence_penalty"u8) || reader.ValueTextEquals("frequency_penalty"u8))
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    ExpectNumber(ref reader, name, integer: false);
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8) ||
                         reader.ValueTextEquals("n"u8) || reader.ValueTextEquals("seed"u8) || reader.ValueTextEquals("top_logprobs"u8) ||
                         reader.ValueTextEquals("dimensions"u8))
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    ExpectNumber(ref reader, name, integer: true);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Reading past the object proves nothing trails it.
            if (reader.Read())
            {
                throw GatewayException.InvalidRequest("The request body must hold exactly one JSON object.", code: "invalid_json");
            }
        }
        catch (JsonException ex)
        {
            throw GatewayException.InvalidRequest($"We could not parse the JSON body of your request: {ex.Message}", code: "invalid_json");
        }

        if (model is null)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }

        if (requireMessages && !hasMessages)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (requireInput && !hasInput)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }

        return new OpenAIRequestScan(model, modelStart, modelEnd, stream, hasStreamOptions, includeUsage);
    }

    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth - 1;
        do
        {
            reader.Skip();
        }
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth));
    }

    private static void ExpectNumber(ref Utf8JsonReader reader, string name, bool integer)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            throw InvalidType(name, integer ? "an integer" : "a decimal", reader.TokenType);
        }

        if (integer && !reader.TryGetInt64(out _))
        {
            throw InvalidType(name, "an integer", reader.TokenType);
        }
    }

    private static GatewayException InvalidType(string name, string expected, JsonTokenType actual) =>
        GatewayException.InvalidRequest(
            $"Invalid type for '{name}': expected {expected}, but got {Describe(actual)} instead.", name, "invalid_type");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => "null",
    };
}
