namespace Tollgate.Core.Limits;

/// <summary>How reservations are sized.</summary>
public sealed record ReservationOptions
{
    /// <summary>The default: 4,096 output tokens for requests without an output limit.</summary>
    public static readonly ReservationOptions Default = new();

    /// <summary>
    /// The output tokens reserved for a request that sets no output limit. A stream that passes its reservation is ended
    /// (finish_reason <c>length</c> / stop_reason <c>max_tokens</c>), so this is also the most such a request can generate.
    /// </summary>
    public long DefaultOutputTokens { get; init; } = 4_096;
}
