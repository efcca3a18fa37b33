namespace Tollgate.Core.Limits;

/// <summary>Which kind of limit refused a request.</summary>
public enum LimitKind
{
    /// <summary>Requests per minute.</summary>
    Requests,

    /// <summary>Tokens per minute.</summary>
    Tokens,

    /// <summary>Requests in flight at once.</summary>
    Parallel,

    /// <summary>A money budget.</summary>
    Budget,
}
