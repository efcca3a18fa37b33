using BenchmarkDotNet.Attributes;
using Tollgate.Chat;
using Tollgate.Core.Pricing;

namespace Tollgate.Benchmarks;

/// <summary>Price lookup and cost per request, as the metering stage will run them after every answer.</summary>
[MemoryDiagnoser]
public class PricingBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly PriceCatalog _catalog = PriceCatalog.Default;
    private readonly PriceCatalog _withOverrides = PriceCatalog.Default.WithOverrides(
    [
        new PriceOverride { Model = "gpt-4o", Input = 2.00m },
        new PriceOverride { Provider = "azure-eu", Model = "gpt-4o", Output = 9.00m },
    ]);

    private readonly ChatUsage _usage = new() { InputTokens = 12_100, CachedInputTokens = 10_000, CacheWriteTokens = 2_000, OutputTokens = 500, ReasoningTokens = 200 };
    private ModelPrice _price = null!;

    [GlobalSetup]
    public void Setup() => _price = _catalog.Find(new PriceQuery("anthropic", "claude-sonnet-4-5", At))!;

    /// <summary>An exact catalog id.</summary>
    [Benchmark]
    public ModelPrice? LookupExact() => _catalog.Find(new PriceQuery("openai", "gpt-4o-mini", At));

    /// <summary>A dated snapshot id matched by the snapshot-suffix rule.</summary>
    [Benchmark]
    public ModelPrice? LookupSnapshot() => _catalog.Find(new PriceQuery("anthropic", "claude-sonnet-4-5-20250929", At));

    /// <summary>A Bedrock-style id that misses every entry (the unpriced path).</summary>
    [Benchmark]
    public ModelPrice? LookupUnknown() => _catalog.Find(new PriceQuery("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", At));

    /// <summary>A deployment override merged over the catalog (cached after the first call).</summary>
    [Benchmark]
    public ModelPrice? LookupWithOverrides() => _withOverrides.Find(new PriceQuery("azure-openai", "gpt-4o-2024-11-20", At, "azure-eu"));

    /// <summary>The arithmetic alone: cache read, cache write, output and reasoning.</summary>
    [Benchmark]
    public long Cost() => CostCalculator.Calculate(_price, _usage).TotalNanoDollars;

    /// <summary>Lookup and cost together, as metering will call it.</summary>
    [Benchmark]
    public long? LookupAndCost() => CostCalculator.Calculate(_catalog, new PriceQuery("anthropic", "claude-sonnet-4-5-20250929", At), _usage).TotalNanoDollars;
}
