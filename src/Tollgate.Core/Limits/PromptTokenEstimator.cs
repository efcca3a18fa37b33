using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tollgate.Chat;

namespace Tollgate.Core.Limits;

/// <summary>
/// Estimates a request's prompt tokens before the call, to reserve tokens and money. Exact tokenizers where the model's
/// is known (Microsoft.ML.Tokenizers: o200k_base, cl100k_base), a conservative estimate otherwise. Thread-safe.
/// </summary>
/// <remarks>
/// What is counted: message text (system, user, assistant, tool results), assistant tool calls (name and arguments),
/// reasoning text, tool definitions (their whole JSON text, which over-counts slightly), plus
/// <see cref="MessageOverheadTokens"/> per message and <see cref="ReplyPrimingTokens"/> per request (OpenAI's
/// published chat format overhead). Images count a fixed <see cref="ImageTokens"/> each, never by their base64 length;
/// inline files (PDFs and the like) count <see cref="FileTokensPer100KB"/> per started 100 KB of base64 data, a file
/// given by URL as one such unit. Raw bodies are read with <see cref="Utf8JsonReader"/>, string by string, without
/// building the object; a body that is not valid JSON is estimated as a whole with the conservative rule.
/// <para>
/// The conservative rule, for models whose tokenizer is unknown (Claude, Gemini, Llama, Mistral...): one token per 3
/// ASCII bytes plus one token per 2 non-ASCII UTF-8 bytes, rounded up. Tokenizers of current models average about 4
/// ASCII characters per token on English prose and 3 on code, and at most about one token per character in
/// non-Latin scripts (3 UTF-8 bytes), so the rule lands above them for ordinary text. Adversarial text (random
/// characters, long runs of rare symbols) can exceed it; the settlement after the call corrects the reservation, and
/// docs/limits.md bounds the overspend that a low estimate can cause.
/// </para>
/// </remarks>
public sealed class PromptTokenEstimator
{
    /// <summary>Tokens per message for its role and delimiters.</summary>
    public const int MessageOverheadTokens = 4;

    /// <summary>Tokens per request that prime the reply.</summary>
    public const int ReplyPrimingTokens = 3;

    /// <summary>The default count for one image: above the largest single image on current OpenAI and Anthropic models (Claude's ~1,600 at 1568 px; GPT-4o's 1,445 at high detail).</summary>
    public const int DefaultImageTokens = 1_600;

    /// <summary>Tokens per started 100 KB of an inline file's base64 data (roughly three PDF pages).</summary>
    public const int FileTokensPer100KB = 5_000;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Creates an estimator.</summary>
    /// <param name="imageTokens">Tokens per image; <see cref="DefaultImageTokens"/> unless configured.</param>
    public PromptTokenEstimator(int imageTokens = DefaultImageTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageTokens);
        ImageTokens = imageTokens;
    }

    /// <summary>An estimator with the default image count.</summary>
    public static PromptTokenEstimator Default { get; } = new();

    /// <summary>Tokens per image.</summary>
    public int ImageTokens { get; }

    /// <summary>The tokenizer for <paramref name="model"/>: its encoding name (<c>o200k_base</c>, <c>cl100k_base</c>), or <see langword="null"/> for the conservative rule.</summary>
    public static string? EncodingFor(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        var name = model.AsSpan();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        if (StartsWith(name, "gpt-4o") || StartsWith(name, "chatgpt-4o") || StartsWith(name, "gpt-4.1") || StartsWith(name, "gpt-5")
            || StartsWith(name, "o1") || StartsWith(name, "o3") || StartsWith(name, "o4"))
        {
            return "o200k_base";
        }

        if (StartsWith(name, "gpt-4") || StartsWith(name, "gpt-3.5") || StartsWith(name, "text-embedding-3") || StartsWith(name, "text-embedding-ada-002"))
        {
            return "cl100k_base";
        }

        return null;

        static bool StartsWith(ReadOnlySpan<char> name, string prefix) => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The tokens of <paramref name="text"/> for <paramref name="model"/>, without any overhead.</summary>
    public static long CountText(ReadOnlySpan<char> text, string? model)
    {
        var tokenizer = TokenizerFor(model);
        if (tokenizer is not null)
        {
            return tokenizer.CountTokens(text);
        }

        long ascii = 0;
        long other = 0;
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                ascii++;
            }
            else
            {
                // UTF-8 bytes of the character: 2 below U+0800, else 3; a surrogate pair is 4 bytes, 2 per half.
                other += c < 0x800 ? 2 : char.IsSurrogate(c) ? 2 : 3;
            }
        }

        return Conservative(ascii, other);
    }

    /// <summary>The prompt tokens of a canonical request for <paramref name="model"/> (the request's own model when omitted).</summary>
    public long Estimate(ChatRequest request, string? model = null)
    {
        var counter = new TextCounter(TokenizerFor(model ?? request.Model));
        try
        {
            counter.AddFixed(ReplyPrimingTokens);
            foreach (var message in request.Messages)
            {
                counter.AddFixed(MessageOverheadTokens);
                counter.AddText(message.Name);
                counter.AddText(message.Refusal);
                foreach (var part in message.Parts)
                {
                    switch (part)
                    {
                        case TextPart text:
                            counter.AddText(text.Text);
                            break;
                        case ImagePart:
                            counter.AddFixed(ImageTokens);
                            break;
                        case DocumentPart document:
                            counter.AddText(document.Title);
                            counter.AddText(document.Context);
                            if (document.Text is not null)
                            {
                                counter.AddText(document.Text);
                            }
                            else
                            {
                                counter.AddFixed(FileTokens(document.Data?.Length ?? 0));
                            }

                            break;
                        case ThinkingPart thinking:
                            counter.AddText(thinking.Text);
                            break;
                        case RedactedThinkingPart redacted:
                            counter.AddText(redacted.Data);
                            break;
                        default:
                            break;
                    }
                }

                if (message.ToolCalls is { } calls)
                {
                    foreach (var call in calls)
                    {
                        counter.AddText(call.Name);
                        counter.AddText(call.ArgumentsJson);
                    }
                }
            }

            if (request.Tools is { } tools)
            {
                foreach (var tool in tools)
                {
                    counter.AddText(tool.Name);
                    counter.AddText(tool.Description);
                    if (tool.Parameters is { } parameters)
                    {
                        counter.AddUtf8(JsonMarshal.GetRawUtf8Value(parameters));
                    }
                }
            }

            return counter.Total();
        }
        finally
        {
            counter.Dispose();
        }
    }

    /// <summary>Estimates an OpenAI chat completions request body.</summary>
    public PromptEstimate EstimateOpenAIChat(ReadOnlySpan<byte> body, string? model) => EstimateBody(body, model, BodyFormat.OpenAIChat);

    /// <summary>Estimates an Anthropic Messages request body.</summary>
    public PromptEstimate EstimateAnthropicMessages(ReadOnlySpan<byte> body, string? model) => EstimateBody(body, model, BodyFormat.AnthropicMessages);

    /// <summary>Estimates an OpenAI embeddings request body (its <c>input</c>: a string, strings, or token arrays).</summary>
    public PromptEstimate EstimateOpenAIEmbeddings(ReadOnlySpan<byte> body, string? model) => EstimateBody(body, model, BodyFormat.OpenAIEmbeddings);

    private static Tokenizer? TokenizerFor(string? model) => EncodingFor(model) switch
    {
        "o200k_base" => O200k.Value,
        "cl100k_base" => Cl100k.Value,
        _ => null,
    };

    private static long Conservative(long asciiBytes, long otherBytes) => ((asciiBytes + 2) / 3) + ((otherBytes + 1) / 2);

    private static int FileTokens(long base64Length) => (int)Math.Min(int.MaxValue, Math.Max(1, (base64Length + 102_399) / 102_400) * (long)FileTokensPer100KB);

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

    private enum BodyFormat
    {
        OpenAIChat,
        AnthropicMessages,
        OpenAIEmbeddings,
    }

    private enum TopProperty
    {
        Other,
        Messages,
        System,
        Tools,
        MaxTokens,
        MaxCompletionTokens,
        Choices,
        Input,
    }

    private enum BlockKind
    {
        Other,
        Image,
        File,
        Base64File,
        TextFile,
        UrlFile,
    }

    /// <summary>
    /// Collects text for one count: with a tokenizer, into one pooled buffer (pieces separated by a newline so words
    /// never merge) counted once at the end; without, as ASCII and non-ASCII byte totals.
    /// </summary>
    private ref struct TextCounter
    {
        private readonly Tokenizer? _tokenizer;
        private char[]? _buffer;
        private int _length;
        private long _fixed;
        private long _ascii;
        private long _other;

        public TextCounter(Tokenizer? tokenizer) => _tokenizer = tokenizer;

        public void AddFixed(long tokens) => _fixed += tokens;

        public void AddText(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            if (_tokenizer is null)
            {
                var bytes = Encoding.UTF8.GetByteCount(text);
                var nonAscii = text.Length == bytes && Ascii.IsValid(text) ? 0 : bytes - CountAsciiChars(text);
                _ascii += bytes - nonAscii;
                _other += nonAscii;
                return;
            }

            var span = Reserve(text.Length);
            text.CopyTo(span);
            _length += text.Length;
        }

        public void AddUtf8(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return;
            }

            if (_tokenizer is null)
            {
                var ascii = CountAscii(utf8);
                _ascii += ascii;
                _other += utf8.Length - ascii;
                return;
            }

            var span = Reserve(utf8.Length);
            _length += Encoding.UTF8.GetChars(utf8, span);
        }

        public void AddJsonString(ref Utf8JsonReader reader)
        {
            if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            {
                AddUtf8(reader.ValueSpan);
                return;
            }

            var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var written = reader.CopyString(rented);
                AddUtf8(rented.AsSpan(0, written));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        public readonly long Total()
        {
            if (_tokenizer is null)
            {
                return _fixed + Conservative(_ascii, _other);
            }

            return _fixed + (_length == 0 ? 0 : _tokenizer.CountTokens(_buffer.AsSpan(0, _length)));
        }

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<char>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        // Room for a separator and `chars` more characters; returns the span to write them to.
        private Span<char> Reserve(int chars)
        {
            var needed = _length + chars + 1;
            if (_buffer is null || _buffer.Length < needed)
            {
                var grown = ArrayPool<char>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2)));
                if (_buffer is not null)
                {
                    _buffer.AsSpan(0, _length).CopyTo(grown);
                    ArrayPool<char>.Shared.Return(_buffer);
                }

                _buffer = grown;
            }

            if (_length > 0)
            {
                _buffer[_length++] = '\n';
            }

            return _buffer.AsSpan(_length, chars);
        }

        private static int CountAsciiChars(string text)
        {
            var ascii = 0;
            foreach (var c in text)
            {
                if (c < 0x80)
                {
                    ascii++;
                }
            }

            return ascii;
        }
    }
}
