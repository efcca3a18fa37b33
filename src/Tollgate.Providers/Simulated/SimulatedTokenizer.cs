namespace Tollgate.Providers.Simulated;

/// <summary>
/// The simulated provider's deterministic tokenizer. A token is either a maximal run of letters and digits, or one
/// other character that is not white space; white space separates tokens and is never a token itself. So
/// <c>"Hello, world!"</c> is four tokens: <c>Hello</c>, <c>,</c>, <c>world</c>, <c>!</c>.
/// </summary>
/// <remarks>
/// <see cref="Split"/> returns pieces whose concatenation is the input: each piece is one token with the white space
/// before it, and trailing white space rides on the last piece. That is what a stream sends as text deltas.
/// </remarks>
internal static class SimulatedTokenizer
{
    /// <summary>Counts the tokens of <paramref name="text"/>.</summary>
    public static int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var end = NextTokenEnd(text, i, out var tokenStart);
            if (tokenStart < 0)
            {
                break;
            }

            count++;
            i = end;
        }

        return count;
    }

    /// <summary>Splits <paramref name="text"/> into one piece per token, each with the white space before it.</summary>
    public static List<string> Split(string? text)
    {
        var pieces = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return pieces;
        }

        var start = 0;
        while (start < text.Length)
        {
            var end = NextTokenEnd(text, start, out var tokenStart);
            if (tokenStart < 0)
            {
                // Only white space is left: it joins the last piece so nothing is lost.
                if (pieces.Count > 0)
                {
                    pieces[^1] += text[start..];
                }

                break;
            }

            pieces.Add(text[start..end]);
            start = end;
        }

        return pieces;
    }

    /// <summary>Finds the next token at or after <paramref name="from"/>; <paramref name="tokenStart"/> is -1 when there is none.</summary>
    private static int NextTokenEnd(string text, int from, out int tokenStart)
    {
        var i = from;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            tokenStart = -1;
            return i;
        }

        tokenStart = i;
        if (!char.IsLetterOrDigit(text[i]))
        {
            // A surrogate pair (an emoji, say) is one character, so one token.
            return char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? i + 2 : i + 1;
        }

        while (i < text.Length && char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
