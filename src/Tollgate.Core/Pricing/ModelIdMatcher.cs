namespace Tollgate.Core.Pricing;

/// <summary>
/// The model-id matching rules of the price catalog (docs/pricing.md, "Matching"), without regular expressions
/// and without allocating.
/// </summary>
/// <remarks>
/// 1. Normalise: keep the part after the last '/' (<c>models/gemini-2.5-pro</c>,
///    <c>publishers/google/models/...</c>) and drop a Bedrock cross-region prefix (<c>us.</c>, <c>eu.</c>,
///    <c>apac.</c>, <c>global.</c>, ...). Comparison ignores case.
/// 2. An exact id or alias wins.
/// 3. Otherwise the longest id or alias that the model id extends by a snapshot suffix wins, unless that entry is
///    marked exact-only. A snapshot suffix is a date or version and nothing else: <c>-YYYYMMDD</c>,
///    <c>-YYYY-MM-DD</c>, <c>-MM-YYYY</c>, <c>-YYMM</c>, <c>-NNN</c>, <c>-latest</c>, each optionally followed by a
///    Bedrock version <c>-vN</c> / <c>-vN:N</c>; or <c>@</c> plus 3 or 8 digits or <c>latest</c> (Vertex); or
///    <c>:N</c>. So <c>claude-sonnet-4-5-20250929</c> matches <c>claude-sonnet-4-5</c>, but <c>gpt-4o-mini</c> never
///    matches <c>gpt-4o</c>, and <c>claude-opus-4-1</c> never matches <c>claude-opus-4</c>.
/// </remarks>
internal static class ModelIdMatcher
{
    private static readonly string[] CrossRegionPrefixes = ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca."];

    /// <summary>Step 1: the part of <paramref name="model"/> that is matched.</summary>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> model)
    {
        model = model.Trim();
        var slash = model.LastIndexOf('/');
        if (slash >= 0)
        {
            model = model[(slash + 1)..];
        }

        // The prefixes are at most seven characters, dot included: skip the scan for ids without an early dot.
        var dot = model.IndexOf('.');
        if (dot < 1 || dot > 6)
        {
            return model;
        }

        foreach (var prefix in CrossRegionPrefixes)
        {
            // Only a prefix followed by a vendor segment ("us.anthropic.claude-..."), never a bare id.
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && model[prefix.Length..].Contains('.'))
            {
                return model[prefix.Length..];
            }
        }

        return model;
    }

    /// <summary>Steps 2 and 3 against a table keyed by id and alias.</summary>
    public static bool TryMatch<T>(
        Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> table,
        ReadOnlySpan<char> model,
        Func<T, bool> exactOnly,
        out T value)
    {
        model = Normalize(model);
        if (model.IsEmpty)
        {
            value = default!;
            return false;
        }

        if (table.TryGetValue(model, out value!))
        {
            return true;
        }

        // Right to left, so the first hit is the longest id.
        for (var i = model.Length - 1; i > 0; i--)
        {
            var c = model[i];
            if ((c == '-' || c == '@' || c == ':')
                && IsSnapshotSuffix(model[i..])
                && table.TryGetValue(model[..i], out value!)
                && !exactOnly(value))
            {
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Whether <paramref name="suffix"/> (starting with its separator) is a snapshot suffix.</summary>
    public static bool IsSnapshotSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length < 2)
        {
            return false;
        }

        var rest = suffix[1..];
        switch (suffix[0])
        {
            case '@':
                return (IsDigits(rest) && (rest.Length == 3 || rest.Length == 8)) || rest.Equals("latest", StringComparison.OrdinalIgnoreCase);
            case ':':
                return IsDigits(rest);
            case '-':
                break;
            default:
                return false;
        }

        // Split into at most four '-' tokens without allocating.
        Span<Range> tokens = stackalloc Range[5];
        var count = rest.Split(tokens, '-');
        if (count > 4)
        {
            return false;
        }

        var index = 0;
        var first = rest[tokens[0]];
        var second = count > 1 ? rest[tokens[1]] : default;
        var third = count > 2 ? rest[tokens[2]] : default;
        if (IsDigits(first) && first.Length == 8)
        {
            index = 1;
        }
        else if (IsDigits(first) && first.Length == 4 && IsDigits(second) && second.Length == 2 && IsDigits(third) && third.Length == 2)
        {
            index = 3;
        }
        else if (IsDigits(first) && first.Length == 2 && IsDigits(second) && second.Length == 4)
        {
            index = 2;
        }
        else if (IsDigits(first) && (first.Length == 4 || first.Length == 3))
        {
            index = 1;
        }
        else if (first.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return count == 1;
        }

        if (index == count)
        {
            return true;
        }

        // What is left must be exactly one Bedrock version token.
        return index == count - 1 && IsVersion(rest[tokens[index]]);
    }

    private static bool IsVersion(ReadOnlySpan<char> token)
    {
        if (token.Length < 2 || (token[0] != 'v' && token[0] != 'V'))
        {
            return false;
        }

        var body = token[1..];
        var colon = body.IndexOf(':');
        return colon < 0 ? IsDigits(body) : IsDigits(body[..colon]) && IsDigits(body[(colon + 1)..]);
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
