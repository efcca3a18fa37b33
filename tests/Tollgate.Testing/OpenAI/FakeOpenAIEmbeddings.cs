using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.Testing.OpenAI;

/// <summary>
/// Answers <c>POST /v1/embeddings</c>: deterministic unit vectors seeded by the SHA-256 of each input (text, or token
/// ids joined by commas), 1536 dimensions unless <c>dimensions</c> says otherwise. Tokens are whitespace-separated
/// words of a text, or the length of a token array.
/// </summary>
internal static class FakeOpenAIEmbeddings
{
    public const int DefaultDimensions = 1536;

    public static string? ReadModel(JsonElement root) =>
        FakeOpenAIChatPlan.Get(root, "model") is { ValueKind: JsonValueKind.String } model ? model.GetString() : null;

    public static byte[]? Answer(JsonElement root, out FakeOpenAIError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = FakeOpenAIError.InvalidJson;
            return null;
        }

        if (FakeOpenAIChatPlan.Get(root, "model") is not { } model)
        {
            error = FakeOpenAIError.MissingModel;
            return null;
        }

        if (model.ValueKind != JsonValueKind.String)
        {
            error = FakeOpenAIError.InvalidType("model", "a string", FakeOpenAIChatPlan.Describe(model));
            return null;
        }

        if (FakeOpenAIChatPlan.Get(root, "input") is not { } input)
        {
            error = FakeOpenAIError.MissingParameter("input");
            return null;
        }

        var inputs = ReadInputs(input);
        if (inputs is null)
        {
            error = FakeOpenAIError.InvalidType("input", "one of a string, an array of strings, or an array of token arrays", FakeOpenAIChatPlan.Describe(input));
            return null;
        }

        var dimensions = DefaultDimensions;
        if (FakeOpenAIChatPlan.Get(root, "dimensions") is { } dims)
        {
            if (!FakeOpenAIChatPlan.IsKind(dims, "integer"))
            {
                error = FakeOpenAIError.InvalidType("dimensions", "an integer", FakeOpenAIChatPlan.Describe(dims));
                return null;
            }

            dimensions = dims.GetInt32();
            if (dimensions < 1)
            {
                error = FakeOpenAIError.InvalidValue("dimensions", $"{dimensions} is less than the minimum of 1 - 'dimensions'");
                return null;
            }
        }

        var base64 = false;
        if (FakeOpenAIChatPlan.Get(root, "encoding_format") is { } format)
        {
            var name = format.ValueKind == JsonValueKind.String ? format.GetString() : null;
            if (name is not ("float" or "base64"))
            {
                error = FakeOpenAIError.InvalidValue("encoding_format", $"Invalid value for 'encoding_format': expected one of 'float' or 'base64', but got {format.GetRawText()} instead.");
                return null;
            }

            base64 = name == "base64";
        }

        var tokens = inputs.Sum(i => i.Tokens);
        return FakeOpenAIJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < inputs.Count; i++)
            {
                var vector = CreateVector(inputs[i].Seed, dimensions);
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                if (base64)
                {
                    var bytes = new byte[vector.Length * sizeof(float)];
                    for (var d = 0; d < vector.Length; d++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(d * sizeof(float)), vector[d]);
                    }

                    w.WriteString("embedding", Convert.ToBase64String(bytes));
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (var value in vector)
                    {
                        w.WriteNumberValue(value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("model", model.GetString());
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>The same vector every time for the same seed text; unit length.</summary>
    public static float[] CreateVector(string seed, int dimensions)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var state = BitConverter.ToUInt64(hash);
        var raw = new double[dimensions];
        var sum = 0.0;
        for (var i = 0; i < dimensions; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            raw[i] = ((z >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
            sum += raw[i] * raw[i];
        }

        var norm = sum > 0 ? Math.Sqrt(sum) : 1;
        return raw.Select(v => (float)(v / norm)).ToArray();
    }

    private static List<(string Seed, int Tokens)>? ReadInputs(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            return [(text, FakeOpenAIChatPlan.CountWords(text))];
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return null;
        }

        // One token array ([1, 2, 3]) is one input.
        if (input[0].ValueKind == JsonValueKind.Number)
        {
            return TokenArray(input) is { } single ? [single] : null;
        }

        var inputs = new List<(string, int)>();
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                var text = item.GetString()!;
                inputs.Add((text, FakeOpenAIChatPlan.CountWords(text)));
            }
            else if (item.ValueKind == JsonValueKind.Array && TokenArray(item) is { } tokens)
            {
                inputs.Add(tokens);
            }
            else
            {
                return null;
            }
        }

        return inputs;
    }

    private static (string, int)? TokenArray(JsonElement array)
    {
        var ids = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var id))
            {
                return null;
            }

            ids.Add(id);
        }

        return (string.Join(',', ids), ids.Count);
    }
}
