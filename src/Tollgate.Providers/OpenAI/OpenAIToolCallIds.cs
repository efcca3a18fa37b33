using Tollgate.Chat;

namespace Tollgate.Providers.OpenAI;

/// <summary>
/// Carries a Gemini thought signature (<see cref="ToolCall.Signature"/>) through OpenAI clients, which keep a tool call's
/// <c>id</c> and nothing else: the id an OpenAI client sees is <c>&lt;id&gt;__thought__&lt;signature&gt;</c>, and the
/// same text coming back (as <c>tool_calls[].id</c> or a tool message's <c>tool_call_id</c>) is split again.
/// </summary>
/// <remarks>
/// This is LiteLLM's convention (its <c>THOUGHT_SIGNATURE_SEPARATOR</c>), so histories move between the two gateways.
/// It is reversible: the id is split at the first separator, provider call ids never contain it, and Gemini's
/// signatures are base64 (no <c>_</c>). A signature that itself contains the separator is not encoded (the id is
/// written plain and the signature is lost, as it would be without this convention). Only signatures of the
/// <see cref="SignatureFamilies.Gemini"/> family are encoded; decoding labels them so.
/// </remarks>
public static class OpenAIToolCallIds
{
    /// <summary>The text between the call id and the signature.</summary>
    public const string Separator = "__thought__";

    /// <summary>The id to show an OpenAI client for a call.</summary>
    public static string Encode(string id, string? signature, string? signatureFamily)
    {
        if (string.IsNullOrEmpty(signature) || signatureFamily != SignatureFamilies.Gemini ||
            signature.Contains(Separator, StringComparison.Ordinal) || id.Contains(Separator, StringComparison.Ordinal))
        {
            return id;
        }

        return string.Concat(id, Separator, signature);
    }

    /// <summary>Splits an id an OpenAI client sent back; <paramref name="signature"/> is <see langword="null"/> for a plain id.</summary>
    public static string Decode(string wireId, out string? signature)
    {
        var at = wireId.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at + Separator.Length == wireId.Length)
        {
            signature = null;
            return wireId;
        }

        signature = wireId[(at + Separator.Length)..];
        return wireId[..at];
    }
}
