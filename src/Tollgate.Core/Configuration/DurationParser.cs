using System.Globalization;

namespace Tollgate.Core.Configuration;

/// <summary>Parses config durations: <c>250ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; negative values are refused.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        double factorMs;
        if (s.EndsWith("ms", StringComparison.Ordinal))
        {
            factorMs = 1;
            s = s[..^2];
        }
        else if (s.EndsWith('s'))
        {
            factorMs = 1000;
            s = s[..^1];
        }
        else if (s.EndsWith('m'))
        {
            factorMs = 60_000;
            s = s[..^1];
        }
        else if (s.EndsWith('h'))
        {
            factorMs = 3_600_000;
            s = s[..^1];
        }
        else
        {
            factorMs = 1000;
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsInfinity(value) || double.IsNaN(value))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * factorMs);
        return true;
    }
}
