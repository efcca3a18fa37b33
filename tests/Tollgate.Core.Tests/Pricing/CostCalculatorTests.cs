using Tollgate.Chat;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Pricing;

public sealed class CostCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // The xAI and Fireworks prices start on their check date.
    private static readonly DateTimeOffset CheckedDecember = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static ModelPrice Price(string type, string model, DateTimeOffset? at = null) =>
        PriceCatalog.Default.Find(new PriceQuery(type, model, at ?? Now)) ?? throw new InvalidOperationException($"{type}/{model} is not in the catalog.");

    private static ModelPrice Custom(decimal input, decimal? output = null) => new() { Model = "custom", Family = "test", Input = input, Output = output };

    [Fact]
    public void Calculate_OneTokenAt15CentsPerMillion_Is150NanoDollars()
    {
        var cost = CostCalculator.Calculate(Price("openai", "gpt-4o-mini"), new ChatUsage { InputTokens = 1 });

        Assert.Equal(150, cost.TotalNanoDollars);
        Assert.Equal(0.00000015m, cost.TotalUsd);
    }

    [Fact]
    public void Calculate_HalfNanoDollar_RoundsHalfAwayFromZeroOnce()
    {
        // Command R7B: $0.0375/M, so one token is 37.5 nano-dollars: rounds to 38.
        Assert.Equal(38, CostCalculator.Calculate(Price("cohere", "command-r7b"), new ChatUsage { InputTokens = 1 }).TotalNanoDollars);

        // Two kinds of 0.4 nano-dollars each: rounding once gives 1, rounding each kind would give 0.
        var cost = CostCalculator.Calculate(Custom(0.0004m, 0.0004m), new ChatUsage { InputTokens = 1, OutputTokens = 1 });
        Assert.Equal(0.4m, cost.UncachedInput);
        Assert.Equal(0.4m, cost.Output);
        Assert.Equal(1, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_TrillionsOfTokens_StayExact()
    {
        // 10^12 input tokens at $15/M + 10^12 output tokens at $75/M = $15,000,000 + $75,000,000.
        var usage = new ChatUsage { InputTokens = 1_000_000_000_000, OutputTokens = 1_000_000_000_000 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-opus-4-1"), usage);

        Assert.Equal(90_000_000_000_000_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_BeyondNineBillionDollars_SaturatesInsteadOfOverflowing()
    {
        var usage = new ChatUsage { InputTokens = long.MaxValue, OutputTokens = long.MaxValue, ReasoningTokens = long.MaxValue };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-opus-4-1"), usage);

        Assert.Equal(long.MaxValue, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_OpenAICachedPrompt_PricesCachedTokensOnceAtTheCachedRate()
    {
        // A gpt-4.1 Responses answer: input_tokens 12033 of which cached_tokens 11904, output_tokens 44.
        // Hand calculation: uncached 129 x $2.00/M = 258,000 n$; cached 11,904 x $0.50/M = 5,952,000 n$;
        // output 44 x $8.00/M = 352,000 n$; total 6,562,000 n$ = $0.006562. (Double-counting the cached tokens at
        // the input rate would have added 11,904 x $2.00/M = $0.023808.)
        var usage = new ChatUsage { InputTokens = 12033, CachedInputTokens = 11904, OutputTokens = 44 };

        var cost = CostCalculator.Calculate(Price("openai", "gpt-4.1"), usage);

        Assert.Equal(258_000m, cost.UncachedInput);
        Assert.Equal(5_952_000m, cost.CachedInput);
        Assert.Equal(352_000m, cost.Output);
        Assert.Equal(6_562_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_AnthropicCacheReadAndWrite_PricesEachKindOnce()
    {
        // Anthropic reports input_tokens 100, cache_creation_input_tokens 2,000, cache_read_input_tokens 10,000,
        // output_tokens 500; normalised, InputTokens is their sum, 12,100. Sonnet 4.5:
        // 100 x $3/M = 300,000; 2,000 x $3.75/M = 7,500,000; 10,000 x $0.30/M = 3,000,000; 500 x $15/M = 7,500,000.
        // Total 18,300,000 n$ = $0.0183.
        var usage = new ChatUsage { InputTokens = 12_100, CacheWriteTokens = 2_000, CachedInputTokens = 10_000, OutputTokens = 500 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-sonnet-4-5-20250929"), usage);

        Assert.Equal(300_000m, cost.UncachedInput);
        Assert.Equal(7_500_000m, cost.CacheWrite);
        Assert.Equal(3_000_000m, cost.CachedInput);
        Assert.Equal(7_500_000m, cost.Output);
        Assert.Equal(18_300_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_AnthropicOneHourCacheWrite_UsesTheOneHourRate()
    {
        // 2,000 cache-write tokens, 500 of them with the one-hour TTL, on Haiku 4.5:
        // 1,500 x $1.25/M = 1,875,000; 500 x $2.00/M = 1,000,000.
        var usage = new ChatUsage { InputTokens = 2_000, CacheWriteTokens = 2_000 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-haiku-4-5"), usage, new CostOptions(CacheWrite1hTokens: 500));

        Assert.Equal(1_875_000m, cost.CacheWrite);
        Assert.Equal(1_000_000m, cost.CacheWrite1h);
        Assert.Equal(2_875_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_SonnetAbove200kPrompt_UsesLongContextRatesForTheWholeRequest()
    {
        // 250,000 prompt tokens: $6/M input, $22.50/M output. 250,000 x 6 = $1.50; 1,000 x 22.50 = $0.0225.
        var price = Price("anthropic", "claude-sonnet-4-5");

        var above = CostCalculator.Calculate(price, new ChatUsage { InputTokens = 250_000, OutputTokens = 1_000 });
        var at = CostCalculator.Calculate(price, new ChatUsage { InputTokens = 200_000, OutputTokens = 1_000 });

        Assert.Equal(1_522_500_000, above.TotalNanoDollars);
        Assert.Equal(200_000, above.TierAbovePromptTokens);

        // Exactly 200,000 tokens is not above the threshold: $0.60 + $0.015.
        Assert.Equal(615_000_000, at.TotalNanoDollars);
        Assert.Null(at.TierAbovePromptTokens);
    }

    [Fact]
    public void Calculate_LongContextThreshold_CountsCachedTokensToo()
    {
        // 150,000 cached + 60,000 uncached = 210,000 prompt tokens: above 200k, so cache reads cost $0.60/M.
        var usage = new ChatUsage { InputTokens = 210_000, CachedInputTokens = 150_000 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-sonnet-4"), usage);

        Assert.Equal(90_000_000m, cost.CachedInput);
        Assert.Equal(360_000_000m, cost.UncachedInput);
    }

    [Fact]
    public void Calculate_GeminiProLongPromptWithThinking_PricesReasoningAtTheTierOutputRate()
    {
        // Gemini 2.5 Pro, 300,000-token prompt: $2.50/M input, $15/M output (thinking included).
        // 300,000 x 2.50 = $0.75; 2,000 output (1,500 of them thinking) x 15 = $0.03. Total $0.78.
        var usage = new ChatUsage { InputTokens = 300_000, OutputTokens = 2_000, ReasoningTokens = 1_500 };

        var cost = CostCalculator.Calculate(Price("gemini", "gemini-2.5-pro"), usage);

        Assert.Equal(7_500_000m, cost.Output);
        Assert.Equal(22_500_000m, cost.Reasoning);
        Assert.Equal(780_000_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_ReasoningRate_DefaultsToOutputAndCanDiffer()
    {
        var usage = new ChatUsage { OutputTokens = 1_000, ReasoningTokens = 400 };

        var defaulted = CostCalculator.Calculate(Price("openai", "o4-mini"), usage);
        var distinct = CostCalculator.Calculate(Custom(1m, 10m) with { Reasoning = 20m }, usage);

        // o4-mini: all 1,000 output tokens at $4.40/M.
        Assert.Equal(4_400_000, defaulted.TotalNanoDollars);
        Assert.Equal(1_760_000m, defaulted.Reasoning);

        // 600 x $10/M + 400 x $20/M.
        Assert.Equal(6_000_000m, distinct.Output);
        Assert.Equal(8_000_000m, distinct.Reasoning);
        Assert.Equal(14_000_000, distinct.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_DeepSeekCacheHitsAndMisses_FollowThePeriodInForce()
    {
        // 1,000 cache-hit + 2,000 cache-miss prompt tokens, 500 output.
        var usage = new ChatUsage { InputTokens = 3_000, CachedInputTokens = 1_000, OutputTokens = 500 };

        // Since 2025-09-29: 1,000 x 0.028 + 2,000 x 0.28 + 500 x 0.42 = 28,000 + 560,000 + 210,000.
        var now = CostCalculator.Calculate(Price("deepseek", "deepseek-chat"), usage);

        // 2025-09-10: 1,000 x 0.07 + 2,000 x 0.56 + 500 x 1.68 = 70,000 + 1,120,000 + 840,000.
        var before = CostCalculator.Calculate(Price("deepseek", "deepseek-chat", new DateTimeOffset(2025, 9, 10, 0, 0, 0, TimeSpan.Zero)), usage);

        Assert.Equal(798_000, now.TotalNanoDollars);
        Assert.Equal(2_030_000, before.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_CohereAndMistral_MillionTokenExamples()
    {
        // Command R: $0.15 + $0.60 for a million in and a million out.
        var command = CostCalculator.Calculate(Price("cohere", "command-r"), new ChatUsage { InputTokens = 1_000_000, OutputTokens = 1_000_000 });

        // Mistral Medium 3.5: $1.50 + $7.50.
        var medium = CostCalculator.Calculate(Price("mistral", "mistral-medium-latest"), new ChatUsage { InputTokens = 1_000_000, OutputTokens = 1_000_000 });

        Assert.Equal(750_000_000, command.TotalNanoDollars);
        Assert.Equal(9_000_000_000, medium.TotalNanoDollars);
    }

    [Fact]
    public void CalculateEmbedding_InputOnly_AndBatchHalvesIt()
    {
        var small = Price("openai", "text-embedding-3-small");

        Assert.Equal(20_000_000, CostCalculator.CalculateEmbedding(small, 1_000_000).TotalNanoDollars);
        Assert.Equal(10_000_000, CostCalculator.CalculateEmbedding(small, 1_000_000, batch: true).TotalNanoDollars);
        Assert.Equal(100_000, CostCalculator.CalculateEmbedding(Price("mistral", "mistral-embed"), 1_000).TotalNanoDollars);
    }

    [Fact]
    public void Calculate_BatchDiscount_AppliesToEveryKindIncludingCache()
    {
        // Batch Sonnet 4.5 (50% off, cache multipliers stack): the Anthropic example above halves to 9,150,000.
        var usage = new ChatUsage { InputTokens = 12_100, CacheWriteTokens = 2_000, CachedInputTokens = 10_000, OutputTokens = 500 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-sonnet-4-5"), usage, new CostOptions(Batch: true));

        Assert.True(cost.BatchDiscountApplied);
        Assert.Equal(1_500_000m, cost.CachedInput);
        Assert.Equal(9_150_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_XaiCachedPrompt_PricesCacheHitsAtTheCachedRate()
    {
        // grok-4.3 (docs.x.ai pricing, checked 2026-12-07): input $1.25/M, cached input $0.20/M, output $2.50/M.
        // 10,000 prompt tokens of which 8,000 cached, 500 output: 2,000 x 1.25 = 2,500,000 n$;
        // 8,000 x 0.20 = 1,600,000 n$; 500 x 2.50 = 1,250,000 n$; total 5,350,000 n$.
        var usage = new ChatUsage { InputTokens = 10_000, CachedInputTokens = 8_000, OutputTokens = 500 };

        var cost = CostCalculator.Calculate(Price("xai", "grok-4.3", CheckedDecember), usage);

        Assert.Equal(2_500_000m, cost.UncachedInput);
        Assert.Equal(1_600_000m, cost.CachedInput);
        Assert.Equal(1_250_000m, cost.Output);
        Assert.Equal(5_350_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_FireworksBatch_HalvesCachedAndUncachedInputAndOutput()
    {
        // gpt-oss-120b on Fireworks: $0.15 / cached $0.015 / output $0.60, batch at 50%. 1,000,000 prompt tokens with
        // 600,000 cached and 100,000 output: 60,000,000 + 9,000,000 + 60,000,000 = 129,000,000 n$, halved 64,500,000.
        var usage = new ChatUsage { InputTokens = 1_000_000, CachedInputTokens = 600_000, OutputTokens = 100_000 };
        var price = Price("fireworks", "accounts/fireworks/models/gpt-oss-120b", CheckedDecember);

        Assert.Equal(129_000_000, CostCalculator.Calculate(price, usage).TotalNanoDollars);
        Assert.Equal(64_500_000, CostCalculator.Calculate(price, usage, new CostOptions(Batch: true)).TotalNanoDollars);
    }

    [Fact]
    public void Calculate_BatchWithoutABatchPrice_ChargesFullPrice()
    {
        var usage = new ChatUsage { InputTokens = 1_000_000 };

        var cost = CostCalculator.Calculate(Price("deepseek", "deepseek-chat"), usage, new CostOptions(Batch: true));

        Assert.False(cost.BatchDiscountApplied);
        Assert.Equal(280_000_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_PerImagePrice_ChargesEachImageAndNothingWithoutOne()
    {
        var usage = new ChatUsage { InputTokens = 100 };

        var withImagePrice = CostCalculator.Calculate(Custom(1m, 1m) with { PerImage = 0.002m }, usage, new CostOptions(ImageCount: 3));
        var tokenBilled = CostCalculator.Calculate(Price("openai", "gpt-4o"), usage, new CostOptions(ImageCount: 3));

        // 3 x $0.002 = 6,000,000 n$, plus 100 x $1/M = 100,000 n$.
        Assert.Equal(6_000_000m, withImagePrice.Images);
        Assert.Equal(6_100_000, withImagePrice.TotalNanoDollars);
        Assert.Equal(0m, tokenBilled.Images);
        Assert.Equal(250_000, tokenBilled.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_NoCachedRate_BillsCachedTokensAtTheInputRate()
    {
        // Gemini's cached rate is not in the catalog: 1,000 cached tokens cost the full $0.30/M.
        var cost = CostCalculator.Calculate(Price("gemini", "gemini-2.5-flash"), new ChatUsage { InputTokens = 1_000, CachedInputTokens = 1_000 });

        Assert.Equal(300_000m, cost.CachedInput);
        Assert.Equal(0m, cost.UncachedInput);
    }

    [Fact]
    public void Calculate_InconsistentUsage_ClampsInsteadOfThrowingOrGoingNegative()
    {
        // Cached and written larger than the whole prompt, reasoning larger than the output, negatives.
        var usage = new ChatUsage { InputTokens = 100, CachedInputTokens = 80, CacheWriteTokens = 50, OutputTokens = 10, ReasoningTokens = 30 };

        var cost = CostCalculator.Calculate(Price("anthropic", "claude-haiku-4-5"), usage, new CostOptions(ImageCount: -2, CacheWrite1hTokens: -5));
        var negative = CostCalculator.Calculate(Price("anthropic", "claude-haiku-4-5"), new ChatUsage { InputTokens = -5, OutputTokens = -1 });

        // 80 cached x 0.10 = 8,000; 20 written x 1.25 = 25,000; 0 uncached; 10 reasoning x 5 = 50,000.
        Assert.Equal(0m, cost.UncachedInput);
        Assert.Equal(8_000m, cost.CachedInput);
        Assert.Equal(25_000m, cost.CacheWrite);
        Assert.Equal(0m, cost.Output);
        Assert.Equal(50_000m, cost.Reasoning);
        Assert.Equal(83_000, cost.TotalNanoDollars);
        Assert.Equal(0, negative.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_UnknownModel_IsUnpricedNotZero()
    {
        var unknown = CostCalculator.Calculate(PriceCatalog.Default, new PriceQuery("openai", "gpt-99", Now), new ChatUsage { InputTokens = 10 });
        var selfHosted = CostCalculator.Calculate(PriceCatalog.Default, new PriceQuery("ollama", "llama3", Now), new ChatUsage { InputTokens = 10 });

        Assert.False(unknown.IsPriced);
        Assert.Null(unknown.TotalNanoDollars);
        Assert.Equal(RequestCost.Unpriced, unknown);
        Assert.True(selfHosted.IsPriced);
        Assert.Equal(0, selfHosted.TotalNanoDollars);
    }

    [Fact]
    public void Calculate_ThroughTheCatalog_MatchesTheDirectCalculation()
    {
        var usage = new ChatUsage { InputTokens = 5_000, CachedInputTokens = 1_000, OutputTokens = 700 };

        var cost = CostCalculator.Calculate(PriceCatalog.Default, new PriceQuery("openai", "gpt-4o-2024-08-06", Now), usage);

        // 4,000 x 2.50 + 1,000 x 1.25 + 700 x 10 = 10,000,000 + 1,250,000 + 7,000,000.
        Assert.True(cost.IsPriced);
        Assert.Equal("gpt-4o", cost.Price!.Model);
        Assert.Equal(18_250_000, cost.TotalNanoDollars);
    }
}
