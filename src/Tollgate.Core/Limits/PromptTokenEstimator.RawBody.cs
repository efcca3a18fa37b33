using System.Text.Json;

namespace Tollgate.Core.Limits;

/// <summary>The raw-body half of the estimator: walks OpenAI and Anthropic request JSON string by string.</summary>
public sealed partial class PromptTokenEstimator
{
    private PromptEstimate EstimateBody(ReadOnlySpan<byte> body, string? model, BodyFormat format)
    {
        var counter = new TextCounter(TokenizerFor(model));
        try
        {
            long? maxTokens = null;
            long? maxCompletionTokens = null;
            var choices = 1;
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new PromptEstimate(WholeBody(body), null);
            }

            if (format != BodyFormat.OpenAIEmbeddings)
            {
                counter.AddFixed(ReplyPrimingTokens);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = TopLevel(ref reader, format);
                reader.Read();
                switch (property)
                {
                    case TopProperty.Messages when reader.TokenType == JsonTokenType.StartArray:
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            counter.AddFixed(MessageOverheadTokens);
                            WalkValue(ref reader, ref counter, skip: false, body);
                        }

                        break;
                    case TopProperty.System:
                        WalkValue(ref reader, ref counter, skip: false, body);
                        break;
                    case TopProperty.Tools when reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject:
                        AddRaw(ref reader, ref counter, body);
                        break;
                    case TopProperty.MaxTokens when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var max):
                        maxTokens = Math.Max(0, max);
                        break;
                    case TopProperty.MaxCompletionTokens when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var max):
                        maxCompletionTokens = Math.Max(0, max);
                        break;
                    case TopProperty.Choices when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n):
                        choices = Math.Max(1, n);
                        break;
                    case TopProperty.Input:
                        WalkInput(ref reader, ref counter);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new PromptEstimate(counter.Total(), maxCompletionTokens ?? maxTokens, choices);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not valid JSON, or a value of an unexpected kind: estimate the whole body.
            return new PromptEstimate(WholeBody(body), null);
        }
        finally
        {
            counter.Dispose();
        }
    }

    private static long WholeBody(ReadOnlySpan<byte> body)
    {
        var nonAscii = body.Length - CountAscii(body);
        return Conservative(body.Length - nonAscii, nonAscii);
    }

    private static int CountAscii(ReadOnlySpan<byte> bytes)
    {
        var ascii = 0;
        while (!bytes.IsEmpty)
        {
            var next = bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (next < 0)
            {
                return ascii + bytes.Length;
            }

            ascii += next;
            bytes = bytes[(next + 1)..];
        }

        return ascii;
    }

    private static TopProperty TopLevel(ref Utf8JsonReader reader, BodyFormat format)
    {
        if (format == BodyFormat.OpenAIEmbeddings)
        {
            return reader.ValueTextEquals("input"u8) ? TopProperty.Input : TopProperty.Other;
        }

        if (reader.ValueTextEquals("messages"u8))
        {
            return TopProperty.Messages;
        }

        if (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8))
        {
            return TopProperty.Tools;
        }

        if (reader.ValueTextEquals("max_tokens"u8))
        {
            return TopProperty.MaxTokens;
        }

        if (format == BodyFormat.AnthropicMessages)
        {
            return reader.ValueTextEquals("system"u8) ? TopProperty.System : TopProperty.Other;
        }

        if (reader.ValueTextEquals("max_completion_tokens"u8))
        {
            return TopProperty.MaxCompletionTokens;
        }

        return reader.ValueTextEquals("n"u8) ? TopProperty.Choices : TopProperty.Other;
    }

    // Embedding input: a string, an array of strings, an array of token ids, or an array of token-id arrays.
    private static void WalkInput(ref Utf8JsonReader reader, ref TextCounter counter)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                counter.AddJsonString(ref reader);
                break;
            case JsonTokenType.Number:
                counter.AddFixed(1);
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WalkInput(ref reader, ref counter);
                }

                break;
            default:
                reader.Skip();
                break;
        }
    }

    /// <summary>Counts a value: strings as text (unless under a skipped key), content blocks by their type.</summary>
    private void WalkValue(ref Utf8JsonReader reader, ref TextCounter counter, bool skip, ReadOnlySpan<byte> body)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when !skip:
                counter.AddJsonString(ref reader);
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WalkValue(ref reader, ref counter, skip, body);
                }

                break;
            case JsonTokenType.StartObject:
                WalkObject(ref reader, ref counter, body);
                break;
            default:
                // Numbers, booleans, null, and strings under skipped keys.
                break;
        }
    }

    private void WalkObject(ref Utf8JsonReader reader, ref TextCounter counter, ReadOnlySpan<byte> body)
    {
        // Step 1: find the block's "type" on a copy of the reader (the property may come last).
        var kind = BlockKindOf(reader);
        switch (kind)
        {
            case BlockKind.Image:
                counter.AddFixed(ImageTokens);
                reader.Skip();
                return;
            case BlockKind.Base64File:
            case BlockKind.UrlFile:
            case BlockKind.File:
                CountFile(ref reader, ref counter, kind);
                return;
            default:
                break;
        }

        // Step 2: every property; tool inputs count as their JSON text.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var skipped = IsSkippedKey(ref reader);
            var input = reader.ValueTextEquals("input"u8);
            reader.Read();
            if (input && reader.TokenType == JsonTokenType.StartObject)
            {
                AddRaw(ref reader, ref counter, body);
            }
            else if (skipped && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
            else
            {
                WalkValue(ref reader, ref counter, skipped, body);
            }
        }
    }

    // Files: OpenAI {"type":"file","file":{"file_data":"data:...base64","filename"}}, Anthropic {"type":"document",
    // "source":{"type":"base64"|"text"|"url"|"content",...}}. Base64 data counts by size, plain text as text.
    private static void CountFile(ref Utf8JsonReader reader, ref TextCounter counter, BlockKind kind)
    {
        var depth = reader.CurrentDepth;
        var counted = false;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var data = reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("file_data"u8);
            var text = reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("title"u8) || reader.ValueTextEquals("context"u8);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                continue;
            }

            if (data && kind != BlockKind.TextFile)
            {
                counter.AddFixed(FileTokens(reader.ValueSpan.Length));
                counted = true;
            }
            else if (text || (data && kind == BlockKind.TextFile))
            {
                counter.AddJsonString(ref reader);
            }
        }

        if (!counted && kind != BlockKind.TextFile)
        {
            counter.AddFixed(FileTokensPer100KB);
        }
    }

    private static BlockKind BlockKindOf(Utf8JsonReader copy)
    {
        var depth = copy.CurrentDepth;
        var sourceKind = BlockKind.Other;
        var kind = BlockKind.Other;
        while (copy.Read() && copy.CurrentDepth > depth)
        {
            if (copy.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (copy.CurrentDepth == depth + 1 && copy.ValueTextEquals("type"u8))
            {
                copy.Read();
                if (copy.TokenType != JsonTokenType.String)
                {
                    return BlockKind.Other;
                }

                if (copy.ValueTextEquals("image_url"u8) || copy.ValueTextEquals("image"u8) || copy.ValueTextEquals("input_image"u8) || copy.ValueTextEquals("input_audio"u8))
                {
                    return BlockKind.Image;
                }

                if (copy.ValueTextEquals("file"u8) || copy.ValueTextEquals("input_file"u8) || copy.ValueTextEquals("document"u8))
                {
                    kind = BlockKind.File;
                }
                else
                {
                    return BlockKind.Other;
                }
            }
            else if (copy.CurrentDepth == depth + 2 && copy.ValueTextEquals("type"u8))
            {
                // A document's source type (Anthropic): "text" sources hold plain text in "data".
                copy.Read();
                if (copy.TokenType != JsonTokenType.String)
                {
                    continue;
                }

                sourceKind = copy.ValueTextEquals("text"u8) ? BlockKind.TextFile
                    : copy.ValueTextEquals("url"u8) ? BlockKind.UrlFile
                    : copy.ValueTextEquals("base64"u8) ? BlockKind.Base64File
                    : sourceKind;
            }
        }

        return kind == BlockKind.File && sourceKind != BlockKind.Other ? sourceKind : kind;
    }

    private static bool IsSkippedKey(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("role"u8) || reader.ValueTextEquals("id"u8)
        || reader.ValueTextEquals("tool_call_id"u8) || reader.ValueTextEquals("tool_use_id"u8) || reader.ValueTextEquals("signature"u8)
        || reader.ValueTextEquals("cache_control"u8) || reader.ValueTextEquals("media_type"u8) || reader.ValueTextEquals("citations"u8);

    private static void AddRaw(ref Utf8JsonReader reader, ref TextCounter counter, ReadOnlySpan<byte> body)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        counter.AddUtf8(body[start..(int)reader.BytesConsumed]);
    }
}
