using Tollgate.Chat;

namespace Tollgate.Core.Pricing;

/// <summary>
/// Exact request cost from normalised usage. Arithmetic is decimal throughout; the total is rounded once, half away
/// from zero, to whole nano-dollars. Nothing here allocates or throws.
/// </summary>
/// <remarks>
/// 1. Split the tokens so each is priced once. <see cref="ChatUsage.InputTokens"/> includes the cached and
///    cache-write tokens and <see cref="ChatUsage.OutputTokens"/> includes the reasoning tokens, so: uncached input =
///    input - cached - cache write, visible output = output - reasoning. Inconsistent counts are clamped rather than
///    rejected: negatives count as zero, cached is capped at input, cache write at what input leaves, the one-hour
///    cache write at the cache write, reasoning at output.
/// 2. Choose the long-context tier by the whole prompt (input tokens, cached and written included), as Gemini and
///    Anthropic do; the tier prices the whole request.
/// 3. Resolve each rate: tier value, else base value, else its default (see <see cref="ModelPrice"/>).
/// 4. Cost per kind in nano-dollars = tokens x dollars-per-million x 1000; per-image charges = images x dollars x 1e9.
/// 5. Apply the batch discount (x (1 - fraction)) to every kind when the request was a batch request.
/// 6. Round the exact sum once; a sum beyond <see cref="long.MaxValue"/> nano-dollars (over nine billion dollars)
///    saturates rather than overflowing.
/// </remarks>
public static class CostCalculator
{
    private const decimal NanoPerMillionTokens = 1000m;
    private const decimal NanoPerDollar = 1_000_000_000m;

    /// <summary>The cost of a chat request.</summary>
    public static CostBreakdown Calculate(ModelPrice price, ChatUsage usage, CostOptions options = default) =>
        Calculate(price, usage.InputTokens, usage.CachedInputTokens, usage.CacheWriteTokens, usage.OutputTokens, usage.ReasoningTokens, options);

    /// <summary>The cost of an embedding request of <paramref name="inputTokens"/> tokens.</summary>
    public static CostBreakdown CalculateEmbedding(ModelPrice price, long inputTokens, bool batch = false) =>
        Calculate(price, inputTokens, 0, 0, 0, 0, new CostOptions(Batch: batch));

    /// <summary>The cost of a request from its token counts (with the same inclusion rules as <see cref="ChatUsage"/>).</summary>
    public static CostBreakdown Calculate(
        ModelPrice price,
        long inputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long outputTokens,
        long reasoningTokens,
        CostOptions options = default)
    {
        // Step 1: each token in exactly one kind.
        var input = Math.Max(0, inputTokens);
        var cached = Math.Clamp(cachedInputTokens, 0, input);
        var write = Math.Clamp(cacheWriteTokens, 0, input - cached);
        var uncached = input - cached - write;
        var write1h = Math.Clamp(options.CacheWrite1hTokens, 0, write);
        var write5m = write - write1h;
        var output = Math.Max(0, outputTokens);
        var reasoning = Math.Clamp(reasoningTokens, 0, output);
        var visibleOutput = output - reasoning;
        var images = Math.Max(0, options.ImageCount);

        // Step 2 and 3.
        var tier = price.TierFor(input);
        var inputRate = tier?.Input ?? price.Input;
        var cachedRate = tier?.CachedInput ?? price.CachedInput ?? inputRate;
        var writeRate = tier?.CacheWrite ?? price.CacheWrite ?? inputRate;
        var write1hRate = tier?.CacheWrite1h ?? price.CacheWrite1h ?? writeRate;
        var outputRate = tier?.Output ?? price.Output ?? 0m;
        var reasoningRate = tier?.Reasoning ?? price.Reasoning ?? outputRate;

        // Step 5's factor.
        var batch = options.Batch && price.BatchDiscount is not null;
        var factor = batch ? 1m - price.BatchDiscount!.Value : 1m;

        // Step 4 (zero counts skip the decimal arithmetic, the common case for most kinds).
        var breakdown = new CostBreakdown
        {
            UncachedInput = Nano(uncached, inputRate, factor),
            CachedInput = Nano(cached, cachedRate, factor),
            CacheWrite = Nano(write5m, writeRate, factor),
            CacheWrite1h = Nano(write1h, write1hRate, factor),
            Output = Nano(visibleOutput, outputRate, factor),
            Reasoning = Nano(reasoning, reasoningRate, factor),
            Images = images == 0 || price.PerImage is null ? 0m : images * price.PerImage.Value * NanoPerDollar * factor,
            TierAbovePromptTokens = tier?.AbovePromptTokens,
            BatchDiscountApplied = batch,
        };

        // Step 6.
        var exact = breakdown.UncachedInput + breakdown.CachedInput + breakdown.CacheWrite + breakdown.CacheWrite1h
            + breakdown.Output + breakdown.Reasoning + breakdown.Images;
        var rounded = Math.Round(exact, 0, MidpointRounding.AwayFromZero);
        return breakdown with { TotalNanoDollars = rounded >= long.MaxValue ? long.MaxValue : (long)rounded };
    }

    private static decimal Nano(long tokens, decimal dollarsPerMillion, decimal factor)
    {
        if (tokens == 0 || dollarsPerMillion == 0m)
        {
            return 0m;
        }

        var nano = tokens * dollarsPerMillion * NanoPerMillionTokens;
        return factor == 1m ? nano : nano * factor;
    }

    /// <summary>Looks the price up and computes the cost; <see cref="RequestCost.Unpriced"/> when no price is known.</summary>
    public static RequestCost Calculate(PriceCatalog catalog, in PriceQuery query, ChatUsage usage, CostOptions options = default)
    {
        var price = catalog.Find(query);
        return price is null ? RequestCost.Unpriced : new RequestCost { Price = price, Breakdown = Calculate(price, usage, options) };
    }
}
