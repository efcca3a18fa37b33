using System.Text.Json;
using Tollgate.Core.Errors;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// Reads an Anthropic Messages request body once with <see cref="Utf8JsonReader"/>: checks that it is one well-formed
/// JSON object, finds the model name's position (for the pass-through's rewrite) and the stream flag, and checks the
/// few top-level fields every target needs (<c>model</c>, <c>max_tokens</c>, <c>messages</c>). Deeper validation is
/// the upstream's on the pass-through, whose 400 reaches the client unchanged, and
/// <see cref="Providers.Anthropic.AnthropicRequestParser"/>'s on the translated path.
/// </summary>
internal static class AnthropicRequestScanner
{
    /// <summary>Scans <paramref name="body"/>; <paramref name="requireMaxTokens"/> is false for <c>count_tokens</c>.</summary>
    public static AnthropicRequestScan Scan(ReadOnlySpan<byte> body, bool requireMaxTokens)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        string? model = null;
        int modelStart = 0, modelEnd = 0;
        bool stream = false, hasMaxTokens = false, hasMessages = false;
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
                        throw GatewayException.InvalidRequest("model: Input should be a valid string.", "model", "invalid_type");
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
                        _ => throw GatewayException.InvalidRequest("stream: Input should be a valid boolean.", "stream", "invalid_type"),
                    };
                }
                else if (reader.ValueTextEquals("max_tokens"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var max))
                    {
                        throw GatewayException.InvalidRequest("max_tokens: Input should be a valid integer.", "max_tokens", "invalid_type");
                    }

                    if (max < 1)
                    {
                        throw GatewayException.InvalidRequest("max_tokens: Input should be greater than or equal to 1.", "max_tokens");
                    }

                    hasMaxTokens = true;
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw GatewayException.InvalidRequest("messages: Input should be a valid list.", "messages", "invalid_type");
                    }

                    var depth = reader.CurrentDepth;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        throw GatewayException.InvalidRequest("messages: At least one message is required.", "messages");
                    }

                    hasMessages = true;
                    do
                    {
                        reader.Skip();
                    }
                    while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth));
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
            throw GatewayException.InvalidRequest($"There was an error parsing the body of your request: {ex.Message}", code: "invalid_json");
        }

        if (string.IsNullOrEmpty(model))
        {
            throw GatewayException.InvalidRequest("model: Field required", "model", "missing_required_parameter");
        }

        if (requireMaxTokens && !hasMaxTokens)
        {
            throw GatewayException.InvalidRequest("max_tokens: Field required", "max_tokens", "missing_required_parameter");
        }

        if (!hasMessages)
        {
            throw GatewayException.InvalidRequest("messages: Field required", "messages", "missing_required_parameter");
        }

        return new AnthropicRequestScan(model, modelStart, modelEnd, stream);
    }
}
