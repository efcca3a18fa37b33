using System.Buffers.Binary;
using System.Text.Json;
using Tollgate.Core.Errors;
using Tollgate.Embeddings;

namespace Tollgate.Providers.OpenAI;

/// <summary>Maps OpenAI <c>/embeddings</c> JSON to the canonical embedding records and back.</summary>
public static class OpenAIEmbeddingMapper
{
    /// <summary>Parses a client's embeddings request. Token-array inputs are refused: only OpenAI-format upstreams take them, by pass-through.</summary>
    public static EmbeddingRequest ParseRequest(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = OpenAIRequestMapper.ParseDocument(utf8Json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw GatewayException.InvalidRequest("The request body must be a JSON object.");
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            throw GatewayException.InvalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }

        var inputs = new List<string>();
        if (input.ValueKind == JsonValueKind.String)
        {
            inputs.Add(input.GetString()!);
        }
        else if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() > 0)
        {
            foreach (var item in input.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw GatewayException.InvalidRequest(
                        "Token-array inputs are only supported by OpenAI-format upstreams; send strings.", "input", "invalid_type");
                }

                inputs.Add(item.GetString()!);
            }
        }
        else
        {
            throw OpenAIRequestMapper.InvalidType("input", "a string or a non-empty array of strings", input);
        }

        var request = new EmbeddingRequest { Model = model.GetString()!, Inputs = inputs };
        if (root.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind != JsonValueKind.Null)
        {
            request.Dimensions = dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out var d) && d > 0
                ? d
                : throw OpenAIRequestMapper.InvalidType("dimensions", "a positive integer", dimensions);
        }

        if (root.TryGetProperty("encoding_format", out var encoding) && encoding.ValueKind != JsonValueKind.Null)
        {
            request.Encoding = encoding.ValueKind == JsonValueKind.String ? encoding.GetString() switch
            {
                "float" => EmbeddingEncoding.Float,
                "base64" => EmbeddingEncoding.Base64,
                var other => throw GatewayException.InvalidRequest($"Invalid value: '{other}'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value"),
            }
            : throw OpenAIRequestMapper.InvalidType("encoding_format", "a string", encoding);
        }

        if (root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String)
        {
            request.User = user.GetString();
        }

        return request;
    }

    /// <summary>Writes a canonical request for an OpenAI-format upstream (always asking for floats).</summary>
    public static void WriteRequest(Utf8JsonWriter writer, EmbeddingRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteStartArray("input");
        foreach (var input in request.Inputs)
        {
            writer.WriteStringValue(input);
        }

        writer.WriteEndArray();
        if (request.Dimensions is { } dimensions)
        {
            writer.WriteNumber("dimensions", dimensions);
        }

        writer.WriteString("encoding_format", "float");
        if (request.User is { } user)
        {
            writer.WriteString("user", user);
        }

        writer.WriteEndObject();
    }

    /// <summary>Parses an upstream's embeddings response (float or base64 vectors).</summary>
    public static EmbeddingResponse ParseResponse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var vectors = new List<(int Index, float[] Vector)>();
            foreach (var item in root.GetProperty("data").EnumerateArray())
            {
                var embedding = item.GetProperty("embedding");
                float[] vector;
                if (embedding.ValueKind == JsonValueKind.String)
                {
                    var bytes = Convert.FromBase64String(embedding.GetString()!);
                    vector = new float[bytes.Length / 4];
                    for (var i = 0; i < vector.Length; i++)
                    {
                        vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                    }
                }
                else
                {
                    vector = new float[embedding.GetArrayLength()];
                    var i = 0;
                    foreach (var value in embedding.EnumerateArray())
                    {
                        vector[i++] = value.GetSingle();
                    }
                }

                vectors.Add((item.TryGetProperty("index", out var index) ? index.GetInt32() : vectors.Count, vector));
            }

            vectors.Sort((a, b) => a.Index.CompareTo(b.Index));
            var tokens = root.TryGetProperty("usage", out var usage) && usage.TryGetProperty("prompt_tokens", out var pt) ? pt.GetInt64() : 0;
            var model = root.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty;
            return new EmbeddingResponse(model, vectors.Select(v => v.Vector).ToList(), tokens);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ProviderException(ProviderErrorKind.InvalidResponse, 502, "The upstream sent an embeddings response Tollgate could not read.", ex)
            {
                ErrorType = "api_error",
            };
        }
    }

    /// <summary>Writes a canonical response in the client's encoding.</summary>
    public static void WriteResponse(Utf8JsonWriter writer, EmbeddingResponse response, EmbeddingEncoding encoding)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        for (var i = 0; i < response.Vectors.Count; i++)
        {
            var vector = response.Vectors[i];
            writer.WriteStartObject();
            writer.WriteString("object", "embedding");
            writer.WriteNumber("index", i);
            if (encoding == EmbeddingEncoding.Base64)
            {
                var bytes = new byte[vector.Length * 4];
                for (var j = 0; j < vector.Length; j++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * 4), vector[j]);
                }

                writer.WriteBase64String("embedding", bytes);
            }
            else
            {
                writer.WriteStartArray("embedding");
                foreach (var value in vector)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("model", response.Model);
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", response.InputTokens);
        writer.WriteNumber("total_tokens", response.InputTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
