using System.Text;
using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// A conservative local estimate of a request's input tokens, for <c>count_tokens</c> when the target provider cannot
/// count: it is meant to err high, never to match a tokenizer.
/// </summary>
/// <remarks>
/// Method: every text the model reads (system and message text, thinking text, tool call arguments, tool results,
/// document text, tool names, descriptions and JSON schemas, stop sequences) is counted as its UTF-8 byte count
/// divided by 3, rounded up (BPE tokenizers average 3.5 to 4.5 bytes a token on English prose and code, so this
/// errs high); plus 4 tokens per message and 8 per tool definition for the framing, and 1,600 per image or inline
/// PDF (an image at Anthropic's largest size without resizing is about 1,600 tokens; PDFs vary more, one page is
/// taken as the floor).
/// </remarks>
internal static class TokenEstimator
{
    public const int PerMessage = 4;

    public const int PerTool = 8;

    public const int PerImage = 1600;

    public static long Estimate(ChatRequest request)
    {
        var bytes = 0L;
        var overhead = 0L;
        foreach (var message in request.Messages)
        {
            overhead += PerMessage;
            foreach (var part in message.Parts)
            {
                switch (part)
                {
                    case TextPart text:
                        bytes += Utf8(text.Text);
                        break;
                    case ThinkingPart thinking:
                        bytes += Utf8(thinking.Text);
                        break;
                    case ImagePart:
                        overhead += PerImage;
                        break;
                    case DocumentPart document:
                        bytes += Utf8(document.Text) + Utf8(document.Title) + Utf8(document.Context);
                        if (document.Data is not null || document.Url is not null)
                        {
                            overhead += PerImage;
                        }

                        break;
                }
            }

            foreach (var call in message.ToolCalls ?? [])
            {
                bytes += Utf8(call.Name) + Utf8(call.ArgumentsJson);
            }
        }

        foreach (var tool in request.Tools ?? [])
        {
            overhead += PerTool;
            bytes += Utf8(tool.Name) + Utf8(tool.Description);
            if (tool.Parameters is { } schema && schema.ValueKind != JsonValueKind.Undefined)
            {
                bytes += Utf8(schema.GetRawText());
            }
        }

        foreach (var stop in request.Stop ?? [])
        {
            bytes += Utf8(stop);
        }

        return ((bytes + 2) / 3) + overhead;
    }

    private static long Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
