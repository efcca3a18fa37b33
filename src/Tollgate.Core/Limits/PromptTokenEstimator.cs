using System.Runtime.InteropServices;
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
public sealed partial class PromptTokenEstimator
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
}
