namespace Tollgate.Core.Configuration;

/// <summary>The type of a provider-specific setting.</summary>
public enum ConfigValueKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>Any number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A duration such as <c>250ms</c>, <c>2s</c>, <c>1m</c>.</summary>
    Duration,

    /// <summary>A mapping of names to scalar values.</summary>
    Map,
}
