using System.Globalization;

namespace Tollgate.Core.Routing;

/// <summary>Parsing of the upstream's <c>x-ratelimit-*</c> header values.</summary>
public sealed partial class DeploymentHealth
{
    /// <summary>Parses an <c>x-ratelimit-reset-*</c> value: Go-style durations (<c>1s</c>, <c>6m0s</c>, <c>20ms</c>) or plain seconds.</summary>
    public static bool TryParseReset(string value, out TimeSpan reset)
    {
        reset = TimeSpan.Zero;
        var s = value.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return false;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            reset = plain >= 0 ? TimeSpan.FromSeconds(plain) : TimeSpan.Zero;
            return plain >= 0;
        }

        var total = 0.0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(s[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[digits..];
            double unitMs;
            if (s.StartsWith("ms"))
            {
                unitMs = 1;
                s = s[2..];
            }
            else if (s.StartsWith("h"))
            {
                unitMs = 3_600_000;
                s = s[1..];
            }
            else if (s.StartsWith("m"))
            {
                unitMs = 60_000;
                s = s[1..];
            }
            else if (s.StartsWith("s"))
            {
                unitMs = 1000;
                s = s[1..];
            }
            else
            {
                return false;
            }

            total += number * unitMs;
        }

        reset = TimeSpan.FromMilliseconds(total);
        return true;
    }

    private static bool TryParseCount(string value, out long count) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out count) && count >= 0;
}
