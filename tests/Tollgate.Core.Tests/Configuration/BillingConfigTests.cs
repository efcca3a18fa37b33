using Tollgate.Core.Configuration;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Configuration;

/// <summary>The <c>storage</c>, <c>pricing</c> and model <c>limits</c> sections.</summary>
public sealed class BillingConfigTests
{
    private const string Base = """
        providers:
          sim: { type: simulated }
          oa: { type: openai, base_url: https://api.openai.com/v1, api_key: k }
        """;

    [Fact]
    public void Parse_BillingSections_ReadsStoragePricesAndModelLimits()
    {
        var config = Success(Base + """

            models:
              demo:
                deployments: [ { provider: sim, model: echo } ]
                limits: { rpm: 60, tpm: 100000, max_parallel: 4 }
            storage:
              sqlite: data/tollgate.db
              ledger: false
            pricing:
              overrides:
                - { model: gpt-4o, input: "2.00", output: "9.00" }
                - { provider: oa, model: gpt-4o, cached_input: 0.5, batch_discount: 0.5 }
                - { provider: simulated, model: echo, per_image: "0.001" }
            """);

        Assert.Equal("data/tollgate.db", config.Storage.SqlitePath);
        Assert.False(config.Storage.Ledger);
        var limits = config.Models["demo"].Limits;
        Assert.Equal((60, 100000L, 4), (limits.RequestsPerMinute!.Value, limits.TokensPerMinute!.Value, limits.MaxParallel!.Value));
        Assert.Equal(3, config.PriceOverrides.Count);
        Assert.Equal(new PriceOverride { Model = "gpt-4o", Input = 2.00m, Output = 9.00m }, config.PriceOverrides[0]);
        Assert.Equal(new PriceOverride { Provider = "oa", Model = "gpt-4o", CachedInput = 0.5m, BatchDiscount = 0.5m }, config.PriceOverrides[1]);
        Assert.Equal("simulated", config.PriceOverrides[2].Provider);
    }

    [Fact]
    public void Parse_NoBillingSections_DefaultsToNoOverridesAndNoLimits()
    {
        var config = Success(Base + "\nmodels:\n  demo: { deployments: [ { provider: sim, model: echo } ] }\n");

        Assert.Null(config.Storage.SqlitePath);
        Assert.True(config.Storage.Ledger);
        Assert.Empty(config.PriceOverrides);
        Assert.True(config.Models["demo"].Limits.IsEmpty);
    }

    [Fact]
    public void Parse_BadBillingValues_ReportsEachWithItsPath()
    {
        var result = ConfigLoader.Parse(Base + """

            models:
              demo:
                deployments: [ { provider: sim, model: echo } ]
                limits: { rpm: -1, tmp: 5 }
            storage: { postgres: x }
            pricing:
              overrides:
                - { model: gpt-4o, input: "cheap" }
                - { provider: nowhere, model: gpt-4o, input: 1 }
                - { model: gpt-4o }
                - { input: 1 }
                - { model: gpt-4o, output: 200000, batch_discount: 1 }
            """, null, ConfigTestData.ProviderTypes, _ => null);

        Assert.False(result.Success);
        var errors = result.Errors.Select(e => $"{e.Path}: {e.Message}").ToList();
        Assert.Contains("models.demo.limits.rpm: must be between 0 and 2147483647", errors);
        Assert.Contains(errors, e => e.StartsWith("models.demo.limits.tmp: unknown key 'tmp'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("storage.postgres: unknown key 'postgres'", StringComparison.Ordinal));
        Assert.Contains("pricing.overrides[0].input: expected a number, got 'cheap'", errors);
        Assert.Contains(errors, e => e.StartsWith("pricing.overrides[1].provider: unknown provider 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("pricing.overrides[2]: sets no price", StringComparison.Ordinal));
        Assert.Contains("pricing.overrides[3]: missing required key 'model'", errors);
        Assert.Contains("pricing.overrides[4].output: must be between 0 and 100000 US dollars", errors);
        Assert.Contains("pricing.overrides[4].batch_discount: must be at least 0 and less than 1", errors);
    }

    private static TollgateConfig Success(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, null, ConfigTestData.ProviderTypes, _ => null);
        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("tollgate.yaml"))));
        return result.Config!;
    }
}
