namespace Tollgate.Core.Pricing;

/// <summary>What a request's cost depends on besides its token usage.</summary>
/// <param name="ImageCount">Input images, priced only where the model has a per-image price (most providers bill images as input tokens, already in the usage).</param>
/// <param name="Batch">Whether the request ran through the provider's batch API (the model's batch discount applies).</param>
/// <param name="CacheWrite1hTokens">The part of the cache-write tokens written with Anthropic's one-hour TTL; the rest are priced at the default (five-minute) cache-write rate.</param>
public readonly record struct CostOptions(int ImageCount = 0, bool Batch = false, long CacheWrite1hTokens = 0);
