using Tollgate.Chat;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Pricing;

public sealed class PriceOverrideTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithOverrides_DeploymentBeatsModelBeatsCatalog_RateByRate()
    {
        var catalog = PriceCatalog.Default.WithOverrides(
        [
            new PriceOverride { Model = "gpt-4o", Input = 2.00m, Output = 9.00m },
            new PriceOverride { Provider = "azure-eu", Model = "gpt-4o", Input = 1.50m },
        ]);

        var catalogOnly = catalog.Find(new PriceQuery("openai", "gpt-4o-mini", Now))!;
        var model = catalog.Find(new PriceQuery("openai", "gpt-4o", Now, ProviderName: "openai-main"))!;
        var deployment = catalog.Find(new PriceQuery("azure-openai", "gpt-4o-2024-11-20", Now, ProviderName: "azure-eu"))!;

        Assert.Equal(0.15m, catalogOnly.Input);
        Assert.Equal(2.00m, model.Input);
        Assert.Equal(9.00m, model.Output);
        Assert.Equal(1.25m, model.CachedInput);
        Assert.Equal(1.50m, deployment.Input);
        Assert.Equal(9.00m, deployment.Output);
        Assert.Equal(1.25m, deployment.CachedInput);
        Assert.Equal("gpt-4o", deployment.Model);
    }

    [Fact]
    public void WithOverrides_ProviderByType_AppliesToEveryProviderOfThatType()
    {
        var catalog = PriceCatalog.Default.WithOverrides([new PriceOverride { Provider = "azure-openai", Model = "gpt-4.1", Input = 2.20m }]);

        Assert.Equal(2.20m, catalog.Find(new PriceQuery("azure-openai", "gpt-4.1", Now, "any-azure"))!.Input);
        Assert.Equal(2.00m, catalog.Find(new PriceQuery("openai", "gpt-4.1", Now, "openai"))!.Input);
    }

    [Fact]
    public void WithOverrides_ModelTheCatalogLacks_BecomesPriced()
    {
        var catalog = PriceCatalog.Default.WithOverrides(
        [
            new PriceOverride { Provider = "bedrock", Model = "anthropic.claude-sonnet-4-5", Input = 3.30m, Output = 16.50m, CachedInput = 0.33m },
        ]);

        var price = catalog.Find(new PriceQuery("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Now, "bedrock-us"));
        var cost = CostCalculator.Calculate(catalog, new PriceQuery("bedrock", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", Now), new ChatUsage { InputTokens = 1_000, OutputTokens = 100 });

        Assert.NotNull(price);
        Assert.Equal("override", price.Family);
        Assert.Null(price.Source);

        // 1,000 x 3.30 + 100 x 16.50 = 3,300,000 + 1,650,000.
        Assert.Equal(4_950_000, cost.TotalNanoDollars);
    }

    [Fact]
    public void WithOverrides_PartialOverrideOfAnUnknownModel_StaysUnpriced()
    {
        var catalog = PriceCatalog.Default.WithOverrides([new PriceOverride { Model = "mystery-model", Output = 1m }]);

        Assert.Null(catalog.Find(new PriceQuery("groq", "mystery-model", Now)));
    }

    [Fact]
    public void WithOverrides_OverriddenRate_AlsoReplacesThatRatesLongContextTier()
    {
        // A negotiated flat input rate on Sonnet 4.5: the tier's $6 input no longer applies, its $22.50 output still does.
        var catalog = PriceCatalog.Default.WithOverrides([new PriceOverride { Model = "claude-sonnet-4-5", Input = 2.00m }]);
        var price = catalog.Find(new PriceQuery("anthropic", "claude-sonnet-4-5", Now))!;

        var cost = CostCalculator.Calculate(price, new ChatUsage { InputTokens = 300_000, OutputTokens = 1_000 });

        // 300,000 x 2.00 = 600,000,000; 1,000 x 22.50 = 22,500,000.
        Assert.Equal(600_000_000m, cost.UncachedInput);
        Assert.Equal(22_500_000m, cost.Output);
    }

    [Fact]
    public void WithOverrides_SelfHostedModelGivenAPrice_IsNoLongerFree()
    {
        var catalog = PriceCatalog.Default.WithOverrides([new PriceOverride { Provider = "ollama", Model = "llama3.1", Input = 0.05m, Output = 0.05m }]);

        Assert.Equal(0.05m, catalog.Find(new PriceQuery("ollama", "llama3.1", Now))!.Input);
        Assert.Same(ModelPrice.Zero, catalog.Find(new PriceQuery("ollama", "qwen3", Now)));
    }

    [Fact]
    public void WithOverrides_LaterOverrideForTheSameTarget_Wins()
    {
        var catalog = PriceCatalog.Default.WithOverrides(
        [
            new PriceOverride { Model = "gpt-5", Input = 1.00m },
            new PriceOverride { Model = "GPT-5", Input = 0.90m },
        ]);

        Assert.Equal(0.90m, catalog.Find(new PriceQuery("openai", "gpt-5", Now))!.Input);
    }

    [Fact]
    public void WithOverrides_RepeatedLookups_ReturnTheSameMergedInstance()
    {
        var catalog = PriceCatalog.Default.WithOverrides([new PriceOverride { Model = "gpt-5", Input = 1.00m }]);

        Assert.Same(catalog.Find(new PriceQuery("openai", "gpt-5", Now)), catalog.Find(new PriceQuery("openai", "gpt-5-2025-08-07", Now)));
    }

    [Fact]
    public void WithOverrides_LeaveTheOriginalCatalogUnchanged()
    {
        _ = PriceCatalog.Default.WithOverrides([new PriceOverride { Model = "gpt-5", Input = 1.00m }]);

        Assert.Equal(1.25m, PriceCatalog.Default.Find(new PriceQuery("openai", "gpt-5", Now))!.Input);
    }

    [Fact]
    public void WithOverrides_CalledAgain_ReplacesThePreviousOverrides()
    {
        var first = PriceCatalog.Default.WithOverrides([new PriceOverride { Model = "gpt-5", Input = 1.00m }]);

        var second = first.WithOverrides([new PriceOverride { Model = "gpt-5-mini", Input = 0.20m }]);

        Assert.Equal(1.25m, second.Find(new PriceQuery("openai", "gpt-5", Now))!.Input);
        Assert.Equal(0.20m, second.Find(new PriceQuery("openai", "gpt-5-mini", Now))!.Input);
    }

    [Theory]
    [InlineData("", "1", null, "a model is required")]
    [InlineData("gpt-5", "-1", null, "'input' must be between 0")]
    [InlineData("gpt-5", "1", "1", "'batch_discount' must be a fraction")]
    [InlineData("gpt-5", null, null, "it sets no price")]
    public void WithOverrides_InvalidOverride_NamesItAndTheRule(string model, string? input, string? batch, string expected)
    {
        var item = new PriceOverride
        {
            Model = model,
            Input = input is null ? null : decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture),
            BatchDiscount = batch is null ? null : decimal.Parse(batch, System.Globalization.CultureInfo.InvariantCulture),
        };

        var error = Assert.Throws<PriceCatalogException>(() => PriceCatalog.Default.WithOverrides([item]));

        Assert.Contains($"model '{model}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
