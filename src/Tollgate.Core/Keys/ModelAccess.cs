namespace Tollgate.Core.Keys;

/// <summary>
/// Which model names a caller may use: the key's, the user's and the team's allow-lists all apply (a model must pass
/// every non-empty list). An empty list allows every model; an entry ending in <c>*</c> allows every name starting
/// with what precedes it (<c>gpt-4o*</c>, or <c>*</c> for all). Names compare ordinally, as model names do in the config.
/// </summary>
public static class ModelAccess
{
    /// <summary>Whether <paramref name="caller"/> may use <paramref name="model"/>. The master key may use every model.</summary>
    public static bool IsAllowed(CallerIdentity caller, string model) =>
        Matches(caller.Key?.Models, model) && Matches(caller.User?.Models, model) && Matches(caller.Team?.Models, model);

    /// <summary>Whether <paramref name="model"/> passes one allow-list (<see langword="null"/> or empty allows all).</summary>
    public static bool Matches(IReadOnlyList<string>? patterns, string model)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('*')
                ? model.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, model, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The 403 message for a refused model, naming the list that refused it.</summary>
    public static string Explain(CallerIdentity caller, string model) =>
        !Matches(caller.Key?.Models, model) ? $"This key may not use the model '{model}'."
        : !Matches(caller.User?.Models, model) ? $"The key's user may not use the model '{model}'."
        : $"The key's team may not use the model '{model}'.";
}
