using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>
/// Reads OpenAI's <c>usage</c> object. <c>prompt_tokens</c> already includes <c>prompt_tokens_details.cached_tokens</c>
/// and <c>completion_tokens</c> includes <c>completion_tokens_details.reasoning_tokens</c>, which is exactly the
/// canonical semantics, so they map one to one.
/// </summary>
public static class OpenAIUsageReader
{
    /// <summary>Maps a usage element; <see langword="null"/> when it is absent or null.</summary>
    public static ChatUsage? Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ChatUsage
        {
            InputTokens = GetLong(usage, "prompt_tokens"),
            OutputTokens = GetLong(usage, "completion_tokens"),
            CachedInputTokens = usage.TryGetProperty("prompt_tokens_details", out var prompt) && prompt.ValueKind == JsonValueKind.Object ? GetLong(prompt, "cached_tokens") : 0,
            ReasoningTokens = usage.TryGetProperty("completion_tokens_details", out var completion) && completion.ValueKind == JsonValueKind.Object ? GetLong(completion, "reasoning_tokens") : 0,
        };
    }

    /// <summary>
    /// Scans a chat.completion or chat.completion.chunk JSON for a non-null top-level <c>usage</c> object without
    /// building a document: the pass-through path calls this on every streamed event.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, out ChatUsage usage, out bool hasChoices)
    {
        usage = null!;
        hasChoices = false;
        var found = false;
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsageObject(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        hasChoices = reader.TokenType != JsonTokenType.EndArray;
                        if (hasChoices)
                        {
                            reader.Skip();
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return found;
    }

    private static ChatUsage ReadUsageObject(ref Utf8JsonReader reader)
    {
        long prompt = 0, completion = 0, cached = 0, reasoning = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cached = ReadNested(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoning = ReadNested(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ChatUsage { InputTokens = prompt, OutputTokens = completion, CachedInputTokens = cached, ReasoningTokens = reasoning };
    }

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v : 0;
    }

    private static long ReadNested(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        long result = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                result = ReadLong(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return result;
    }

    private static long GetLong(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
