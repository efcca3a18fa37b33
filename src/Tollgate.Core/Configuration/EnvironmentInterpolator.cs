using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Tollgate.Core.Configuration;

/// <summary>
/// Expands environment references in config values: <c>${VAR}</c> (an error when VAR is unset),
/// <c>${VAR:-fallback}</c> (the fallback when VAR is unset or empty) and <c>$$</c> (a literal <c>$</c>).
/// A <c>$</c> followed by anything else is kept as is. A fallback cannot contain <c>}</c> and is not itself expanded.
/// </summary>
public static class EnvironmentInterpolator
{
    /// <summary>Expands every reference in <paramref name="text"/>.</summary>
    /// <returns><see langword="true"/> with <paramref name="result"/> set, or <see langword="false"/> with <paramref name="error"/> set.</returns>
    /// <remarks>Error messages name variables but never include their values or the text, which may hold a secret.</remarks>
    public static bool TryInterpolate(
        string text,
        Func<string, string?> getEnvironmentVariable,
        [NotNullWhen(true)] out string? result,
        [NotNullWhen(false)] out string? error)
    {
        result = null;
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            result = text;
            return true;
        }

        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                builder.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                builder.Append('$');
                i += 2;
                continue;
            }

            if (next != '{')
            {
                builder.Append(c);
                i++;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = "unterminated '${' (write '$$' for a literal '$')";
                return false;
            }

            var body = text.AsSpan(i + 2, close - i - 2);
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator >= 0 ? body[..separator].ToString() : body.ToString();
            string? fallback = separator >= 0 ? body[(separator + 2)..].ToString() : null;
            if (!IsValidName(name))
            {
                error = "invalid environment variable reference: write ${NAME} or ${NAME:-default}";
                return false;
            }

            var value = getEnvironmentVariable(name);
            if (fallback is not null)
            {
                builder.Append(string.IsNullOrEmpty(value) ? fallback : value);
            }
            else if (value is null)
            {
                error = $"environment variable '{name}' is not set";
                return false;
            }
            else
            {
                builder.Append(value);
            }

            i = close + 1;
        }

        result = builder.ToString();
        return true;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
