using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Providers.Mistral;

/// <summary>
/// Mistral accepts only tool call ids of nine ASCII letters and digits ("Tool call id was ... but must be a-z, A-Z,
/// 0-9, with a length of 9"). Ids it issued pass unchanged; any other id (OpenAI's <c>call_...</c>, Anthropic's
/// <c>toolu_...</c>) maps to nine base-62 characters of its SHA-256, so the assistant's call and the tool's answer,
/// both mapped, still pair up on every turn without the gateway keeping state.
/// </summary>
public static class MistralToolCallIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The id to send to Mistral for <paramref name="id"/>.</summary>
    public static string ToMistral(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (IsValid(id))
        {
            return id;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        Span<char> chars = stackalloc char[9];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[hash[i] % Alphabet.Length];
        }

        return new string(chars);
    }

    /// <summary>Whether <paramref name="id"/> is already a valid Mistral id.</summary>
    public static bool IsValid(string id)
    {
        if (id.Length != 9)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
