namespace Tollgate.Core.Configuration;

/// <summary>Finds the closest known name to a misspelt one, for "did you mean" hints.</summary>
internal static class KeySuggester
{
    /// <summary>The largest edit distance still worth suggesting.</summary>
    public const int MaxDistance = 2;

    /// <summary>The known name closest to <paramref name="name"/> within <see cref="MaxDistance"/> edits; the first wins a tie.</summary>
    public static string? Suggest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = MaxDistance + 1;
        foreach (var candidate in known)
        {
            var distance = Distance(name, candidate);
            if (distance < bestDistance && distance < Math.Max(name.Length, candidate.Length))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Formats the hint: <c> (did you mean 'x'?)</c>, or empty.</summary>
    public static string Hint(string name, IEnumerable<string> known) =>
        Suggest(name, known) is { } suggestion ? $" (did you mean '{suggestion}'?)" : string.Empty;

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
