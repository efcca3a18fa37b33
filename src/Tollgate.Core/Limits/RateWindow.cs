namespace Tollgate.Core.Limits;

/// <summary>Where one per-minute limit of one scope stands, for rate-limit headers.</summary>
/// <param name="Limit">The per-minute limit (the bucket's capacity).</param>
/// <param name="Remaining">What can be taken now, never below zero.</param>
/// <param name="ResetsAt">When the bucket is full again (OpenAI's "reset": back to its initial state).</param>
public readonly record struct RateWindow(long Limit, long Remaining, DateTimeOffset ResetsAt);
