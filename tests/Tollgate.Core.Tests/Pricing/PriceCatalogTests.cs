using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Pricing;

public sealed class PriceCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // Every provider type Tollgate supports (docs/providers.md).
    public static TheoryData<string> ProviderTypes =>
    [
        "openai", "anthropic", "bedrock", "gemini", "vertex", "azure-openai", "mistral", "cohere",
        "groq", "together", "fireworks", "deepseek", "xai", "openrouter", "ollama", "vllm",
    ];

    private static ModelPrice? Find(string type, string model, DateTimeOffset? at = null) =>
        PriceCatalog.Default.Find(new PriceQuery(type, model, at ?? Now));

    [Fact]
    public void Default_ShippedCatalog_LoadsAndValidates()
    {
        var catalog = PriceCatalog.Default;

        Assert.Contains("openai", catalog.Families);
        Assert.Contains("anthropic", catalog.Families);
        Assert.Contains("gemini", catalog.Families);
        Assert.Contains("deepseek", catalog.Families);
    }

    [Theory]
    [MemberData(nameof(ProviderTypes))]
    public void IsKnownProvider_EveryProviderType_IsMappedToAFamily(string type)
    {
        Assert.True(PriceCatalog.Default.IsKnownProvider(type));
    }

    [Fact]
    public void IsKnownProvider_UnknownType_IsFalse()
    {
        Assert.False(PriceCatalog.Default.IsKnownProvider("no-such-provider-type"));
        Assert.False(PriceCatalog.Default.IsKnownProvider(null));
    }

    [Theory]
    [InlineData("openai", "gpt-4o", "2.50", "10.00")]
    [InlineData("openai", "gpt-4o-mini", "0.15", "0.60")]
    [InlineData("openai", "gpt-4.1", "2.00", "8.00")]
    [InlineData("openai", "gpt-4.1-mini", "0.40", "1.60")]
    [InlineData("openai", "gpt-4.1-nano", "0.10", "0.40")]
    [InlineData("openai", "o3", "2.00", "8.00")]
    [InlineData("openai", "o4-mini", "1.10", "4.40")]
    [InlineData("openai", "gpt-5", "1.25", "10.00")]
    [InlineData("openai", "gpt-5-mini", "0.25", "2.00")]
    [InlineData("openai", "gpt-5-nano", "0.05", "0.40")]
    [InlineData("anthropic", "claude-opus-4-5", "5.00", "25.00")]
    [InlineData("anthropic", "claude-opus-4-1", "15.00", "75.00")]
    [InlineData("anthropic", "claude-sonnet-4-5", "3.00", "15.00")]
    [InlineData("anthropic", "claude-haiku-4-5", "1.00", "5.00")]
    [InlineData("anthropic", "claude-3-5-haiku", "0.80", "4.00")]
    [InlineData("anthropic", "claude-opus-4-6", "5.00", "25.00")]
    [InlineData("anthropic", "claude-sonnet-4-6", "3.00", "15.00")]
    [InlineData("groq", "openai/gpt-oss-120b", "0.15", "0.60")]
    [InlineData("gemini", "gemini-2.5-pro", "1.25", "10.00")]
    [InlineData("gemini", "gemini-2.5-flash", "0.30", "2.50")]
    [InlineData("gemini", "gemini-2.5-flash-lite", "0.10", "0.40")]
    [InlineData("mistral", "mistral-medium-3.5", "1.50", "7.50")]
    [InlineData("mistral", "mistral-small-latest", "0.10", "0.30")]
    [InlineData("cohere", "command-a", "2.50", "10.00")]
    [InlineData("cohere", "command-r", "0.15", "0.60")]
    [InlineData("deepseek", "deepseek-chat", "0.28", "0.42")]
    [InlineData("deepseek", "deepseek-reasoner", "0.28", "0.42")]
    public void Find_CurrentChatModels_HaveTheirListPrices(string type, string model, string input, string output)
    {
        var price = Find(type, model);

        Assert.NotNull(price);
        Assert.Equal(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture), price.Input);
        Assert.Equal(decimal.Parse(output, System.Globalization.CultureInfo.InvariantCulture), price.Output);
        Assert.StartsWith("https://", price.Source, StringComparison.Ordinal);
        Assert.NotNull(price.Checked);
    }

    [Theory]
    [InlineData("openai", "text-embedding-3-small", "0.02")]
    [InlineData("openai", "text-embedding-3-large", "0.13")]
    [InlineData("mistral", "mistral-embed", "0.10")]
    [InlineData("cohere", "embed-v4.0", "0.12")]
    [InlineData("gemini", "gemini-embedding-001", "0.15")]
    public void Find_EmbeddingModels_HaveAnInputPriceOnly(string type, string model, string input)
    {
        var price = Find(type, model);

        Assert.NotNull(price);
        Assert.Equal(ModelKind.Embedding, price.Kind);
        Assert.Equal(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture), price.Input);
        Assert.Null(price.Output);
    }

    // xAI and Fireworks prices were checked on 2026-12-07 and start then (no earlier start was established).
    private static readonly DateTimeOffset Checked20261207 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("xai", "grok-4.7", "2.00", "2.00", "6.00")]
    [InlineData("xai", "grok-4.3", "1.25", "0.20", "2.50")]
    [InlineData("xai", "grok-4.20-0309-reasoning", "1.25", "0.20", "2.50")]
    [InlineData("xai", "grok-4.20-0309-non-reasoning", "1.25", "0.20", "2.50")]
    [InlineData("xai", "grok-4.20-multi-agent-0309", "1.25", "0.20", "2.50")]
    [InlineData("xai", "grok-4-1-fast-reasoning", "0.20", "0.05", "0.50")]
    [InlineData("xai", "grok-4-1-fast-non-reasoning", "0.20", "0.05", "0.50")]
    [InlineData("fireworks", "accounts/fireworks/models/gpt-oss-120b", "0.15", "0.015", "0.60")]
    [InlineData("fireworks", "accounts/fireworks/models/gpt-oss-20b", "0.07", "0.035", "0.30")]
    [InlineData("fireworks", "accounts/fireworks/models/deepseek-v3p1", "0.56", "0.28", "1.68")]
    [InlineData("fireworks", "accounts/fireworks/models/deepseek-v3p2", "0.56", "0.28", "1.68")]
    [InlineData("fireworks", "accounts/fireworks/models/kimi-k2p6", "0.95", "0.16", "4.00")]
    [InlineData("fireworks", "accounts/fireworks/routers/kimi-k2p6-turbo", "2.00", "0.30", "8.00")]
    [InlineData("fireworks", "accounts/fireworks/models/kimi-k2p5", "0.60", "0.10", "3.00")]
    [InlineData("fireworks", "accounts/fireworks/models/glm-5", "1.00", "0.20", "3.20")]
    [InlineData("fireworks", "accounts/fireworks/models/glm-4p7", "0.60", "0.30", "2.20")]
    public void Find_XaiAndFireworksModels_HaveTheirListPricesFromTheCheckDate(string type, string model, string input, string cachedInput, string output)
    {
        var price = Find(type, model, Checked20261207.AddHours(12));

        Assert.NotNull(price);
        Assert.Equal(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture), price.Input);
        Assert.Equal(decimal.Parse(cachedInput, System.Globalization.CultureInfo.InvariantCulture), price.CachedInput ?? price.Input);
        Assert.Equal(decimal.Parse(output, System.Globalization.CultureInfo.InvariantCulture), price.Output);
        Assert.Equal(new DateOnly(2026, 12, 7), price.Checked);
        Assert.Null(Find(type, model, Checked20261207.AddTicks(-1)));
    }

    [Fact]
    public void Find_FireworksBatch_IsHalfPrice_XaiHasNoBatchDiscount()
    {
        Assert.Equal(0.5m, Find("fireworks", "gpt-oss-120b", Checked20261207)!.BatchDiscount);
        Assert.Null(Find("xai", "grok-4.3", Checked20261207)!.BatchDiscount);
    }

    [Theory]
    [InlineData("xai", "grok-4-0709")]
    [InlineData("xai", "grok-4-fast-reasoning")]
    [InlineData("xai", "grok-3")]
    [InlineData("xai", "grok-3-mini")]
    [InlineData("xai", "grok-code-fast-1")]
    [InlineData("xai", "grok-4.20-reasoning")]
    [InlineData("fireworks", "accounts/fireworks/models/llama-v3p3-70b-instruct")]
    [InlineData("fireworks", "accounts/fireworks/models/deepseek-v3-0324")]
    [InlineData("fireworks", "accounts/fireworks/models/glm-5p1")]
    [InlineData("together", "openai/gpt-oss-120b")]
    [InlineData("openrouter", "anthropic/claude-sonnet-4.5")]
    [InlineData("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")]
    [InlineData("bedrock", "amazon.nova-pro-v1:0")]
    public void Find_ModelsWithoutACheckedPrice_StayUnpricedAfterTheCheckDate(string type, string model)
    {
        Assert.Null(Find(type, model, Checked20261207.AddDays(1)));
    }

    [Fact]
    public void Find_O3AtThePriceCutBoundary_SwitchesPeriodExactlyThere()
    {
        var cut = new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(10.00m, Find("openai", "o3", cut.AddTicks(-1))!.Input);
        Assert.Equal(2.00m, Find("openai", "o3", cut)!.Input);
        Assert.Equal(2.00m, Find("openai", "o3", cut.AddYears(1))!.Input);
    }

    [Fact]
    public void Find_DeepSeekPeriods_HonourTheHourOfTheChange()
    {
        var change = new DateTimeOffset(2025, 9, 5, 16, 0, 0, TimeSpan.Zero);

        Assert.Null(Find("deepseek", "deepseek-chat", change.AddTicks(-1)));
        Assert.Equal(0.56m, Find("deepseek", "deepseek-chat", change)!.Input);
        Assert.Equal(0.56m, Find("deepseek", "deepseek-chat", new DateTimeOffset(2025, 9, 28, 23, 59, 59, TimeSpan.Zero))!.Input);
        Assert.Equal(0.28m, Find("deepseek", "deepseek-chat", new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero))!.Input);
    }

    [Fact]
    public void Find_BeforeTheFirstPeriod_IsUnpriced()
    {
        Assert.Null(Find("openai", "gpt-5", new DateTimeOffset(2025, 8, 6, 23, 59, 59, TimeSpan.Zero)));
        Assert.NotNull(Find("openai", "gpt-5", new DateTimeOffset(2025, 8, 7, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("anthropic", "claude-sonnet-4-0", "claude-sonnet-4")]
    [InlineData("anthropic", "claude-opus-4-0", "claude-opus-4")]
    [InlineData("anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku")]
    [InlineData("anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku")]
    [InlineData("anthropic", "CLAUDE-HAIKU-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("openai", "gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("openai", "gpt-4o-2024-05-13", "gpt-4o-2024-05-13")]
    [InlineData("openai", "gpt-4.1-2025-04-14", "gpt-4.1")]
    [InlineData("openai", "gpt-5-mini-2025-08-07", "gpt-5-mini")]
    [InlineData("openai", "o3-2025-04-16", "o3")]
    [InlineData("gemini", "models/gemini-2.5-pro", "gemini-2.5-pro")]
    [InlineData("vertex", "publishers/google/models/gemini-2.5-flash", "gemini-2.5-flash")]
    [InlineData("vertex", "gemini-2.5-flash-lite-001", "gemini-2.5-flash-lite")]
    [InlineData("cohere", "command-r-08-2024", "command-r")]
    [InlineData("mistral", "mistral-medium-latest", "mistral-medium-3.5")]
    [InlineData("azure-openai", "gpt-4o-mini", "gpt-4o-mini")]
    public void Find_SnapshotAndAliasIds_MatchTheirCatalogEntry(string type, string model, string expected)
    {
        Assert.Equal(expected, Find(type, model)?.Model);
    }

    [Theory]
    [InlineData("openai", "gpt-5-pro")]
    [InlineData("openai", "gpt-5.1")]
    [InlineData("openai", "o3-mini")]
    [InlineData("openai", "o3-pro-2025-06-10")]
    [InlineData("openai", "gpt-4o-realtime-preview")]
    [InlineData("anthropic", "claude-opus-4-9")]
    [InlineData("anthropic", "claude-sonnet-4-7")]
    [InlineData("groq", "llama-3.3-70b-versatile")]
    [InlineData("gemini", "gemini-2.5-flash-preview-09-2025")]
    [InlineData("gemini", "gemini-2.5-pro-x")]
    [InlineData("openai", "")]
    [InlineData("no-such-provider-type", "gpt-4o")]
    [InlineData("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0")]
    public void Find_OtherModels_AreUnpricedRatherThanGuessed(string type, string model)
    {
        Assert.Null(Find(type, model));
    }

    [Fact]
    public void Find_OldGpt4oSnapshot_KeepsItsOwnPriceAndDoesNotExtend()
    {
        Assert.Equal(5.00m, Find("openai", "gpt-4o-2024-05-13")!.Input);
        Assert.Equal(2.50m, Find("openai", "gpt-4o-2024-11-20")!.Input);
    }

    [Fact]
    public void Find_SelfHostedTypes_CostZeroButArePriced()
    {
        var price = Find("ollama", "llama3.1:70b");

        Assert.Same(ModelPrice.Zero, price);
        Assert.Same(ModelPrice.Zero, Find("vllm", "anything"));
    }

    [Fact]
    public void Find_ByFamilyName_WorksLikeItsProviderType()
    {
        Assert.Equal(Find("gemini", "gemini-2.5-pro"), Find("vertex", "gemini-2.5-pro"));
        Assert.Equal("openai", Find("azure-openai", "gpt-4.1")!.Family);
    }

    [Fact]
    public void Find_DefaultQuery_IsUnpricedNotAnException()
    {
        Assert.Null(PriceCatalog.Default.Find(default));
    }

    [Fact]
    public void Find_SonnetLongContext_IsModelledAsATierAbove200k()
    {
        var price = Find("anthropic", "claude-sonnet-4-5")!;

        var tier = Assert.Single(price.Tiers);
        Assert.Equal(200_000, tier.AbovePromptTokens);
        Assert.Null(price.TierFor(200_000));
        Assert.Same(tier, price.TierFor(200_001));
    }

    [Fact]
    public void DocsPricing_ListsEveryCatalogModelAndSource()
    {
        var docs = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "docs", "pricing.md"));
        var json = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "src", "Tollgate.Core", "Pricing", "prices.json"));
        using var document = System.Text.Json.JsonDocument.Parse(json);

        var missing = new List<string>();
        foreach (var family in document.RootElement.GetProperty("families").EnumerateObject())
        {
            if (!family.Value.TryGetProperty("models", out var models))
            {
                continue;
            }

            foreach (var model in models.EnumerateArray())
            {
                var id = model.GetProperty("id").GetString()!;
                if (!docs.Contains($"`{id}`", StringComparison.Ordinal))
                {
                    missing.Add($"model `{id}`");
                }

                foreach (var period in model.GetProperty("prices").EnumerateArray())
                {
                    var source = period.GetProperty("source").GetString()!;
                    if (!docs.Contains(source, StringComparison.Ordinal))
                    {
                        missing.Add($"source {source}");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, "docs/pricing.md lacks: " + string.Join(", ", missing.Distinct()));
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tollgate.slnx not found above the test output.");
    }
}
