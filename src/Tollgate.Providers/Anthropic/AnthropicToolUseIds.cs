using System.Buffers.Text;
using System.Text;
using Tollgate.Chat;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Carries a Gemini thought signature (<see cref="ToolCall.Signature"/>) through Anthropic clients, which keep a
/// <c>tool_use</c> block's <c>id</c> and echo it in the <c>tool_use</c> and <c>tool_result</c> blocks of later turns:
/// the id an Anthropic client sees is <c>&lt;id&gt;__thought64__&lt;signature as base64url of its UTF-8&gt;</c>.
/// </summary>
/// <remarks>
/// Unlike <see cref="OpenAI.OpenAIToolCallIds"/> (the signature verbatim, LiteLLM's convention), the signature is
/// base64url-encoded: Anthropic requires tool_use ids to match <c>^[a-zA-Z0-9_-]+$</c>, and base64 signatures carry
/// <c>+</c>, <c>/</c> and <c>=</c>. Only signatures of the <see cref="SignatureFamilies.Gemini"/> family are encoded; an
/// id whose suffix does not decode is kept whole, as a plain id.
/// </remarks>
public static class AnthropicToolUseIds
{
    /// <summary>The text between the call id and the encoded signature.</summary>
    public const string Separator = "__thought64__";

    private static readonly System.Buffers.SearchValues<char> Base64UrlChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The id to show an Anthropic client for a call.</summary>
    public static string Encode(string id, string? signature, string? signatureFamily)
    {
        if (string.IsNullOrEmpty(signature) || signatureFamily != SignatureFamilies.Gemini || id.Contains(Separator, StringComparison.Ordinal))
        {
            return id;
        }

        return string.Concat(id, Separator, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(signature)));
    }

    /// <summary>Splits an id an Anthropic client sent back; <paramref name="signature"/> is <see langword="null"/> for a plain id.</summary>
    public static string Decode(string wireId, out string? signature)
    {
        signature = null;
        var at = wireId.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at + Separator.Length == wireId.Length)
        {
            return wireId;
        }

        var encoded = wireId.AsSpan(at + Separator.Length);
        if (encoded.ContainsAnyExcept(Base64UrlChars))
        {
            return wireId;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var written))
        {
            return wireId;
        }

        try
        {
            signature = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return wireId;
        }

        return wireId[..at];
    }
}
