using System.Globalization;

namespace Tollgate.Core.Configuration;

/// <summary>A validated config value: a scalar (kept as its interpolated text) or a map of values.</summary>
public sealed record ConfigValue
{
    /// <summary>The scalar text, for scalars.</summary>
    public string? Scalar { get; init; }

    /// <summary>The entries, for maps.</summary>
    public IReadOnlyDictionary<string, ConfigValue>? Map { get; init; }

    /// <summary>Creates a scalar value.</summary>
    public static ConfigValue FromScalar(string text) => new() { Scalar = text };

    /// <summary>The scalar as text.</summary>
    public string? AsString() => Scalar;

    /// <summary>The scalar as an integer, or <see langword="null"/>.</summary>
    public long? AsInteger() => long.TryParse(Scalar, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The scalar as a number, or <see langword="null"/>.</summary>
    public double? AsNumber() => double.TryParse(Scalar, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The scalar as a boolean, or <see langword="null"/>.</summary>
    public bool? AsBoolean() => Scalar switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    /// <summary>The scalar as a duration (<c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, or plain seconds), or <see langword="null"/>.</summary>
    public TimeSpan? AsDuration() => DurationParser.TryParse(Scalar, out var d) ? d : null;
}
