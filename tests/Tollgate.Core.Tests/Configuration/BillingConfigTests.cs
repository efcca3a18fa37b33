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
            storage: { sqlite: a.db, postgres: "Host=db", ledger_retention: 2w, mysql: x }
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
        Assert.Contains(errors, e => e.StartsWith("storage.mysql: unknown key 'mysql'", StringComparison.Ordinal));
        Assert.Contains("storage.ledger_retention: expected a number of days from 1d to 36500d, such as 400d, got '2w'", errors);
        Assert.Contains("storage: set either 'sqlite' or 'postgres', not both", errors);
        Assert.Contains("pricing.overrides[0].input: expected a number, got 'cheap'", errors);
        Assert.Contains(errors, e => e.StartsWith("pricing.overrides[1].provider: unknown provider 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("pricing.overrides[2]: sets no price", StringComparison.Ordinal));
        Assert.Contains("pricing.overrides[3]: missing required key 'model'", errors);
        Assert.Contains("pricing.overrides[4].output: must be between 0 and 100000 US dollars", errors);
        Assert.Contains("pricing.overrides[4].batch_discount: must be at least 0 and less than 1", errors);
    }

    [Fact]
    public void Parse_PostgresStorage_InterpolatesTheConnectionStringAndReadsTheRetention()
    {
        var result = ConfigLoader.Parse(Base + """

            models:
              demo: { deployments: [ { provider: sim, model: echo } ] }
            storage:
              postgres: "Host=db.internal;Database=tollgate;Username=tollgate;Password=${PG_PASSWORD}"
              ledger_retention: 400d
            """, null, ConfigTestData.ProviderTypes, name => name == "PG_PASSWORD" ? "s3cret" : null);

        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("tollgate.yaml"))));
        Assert.Equal("Host=db.internal;Database=tollgate;Username=tollgate;Password=s3cret", result.Config!.Storage.PostgresConnectionString);
        Assert.Equal(TimeSpan.FromDays(400), result.Config.Storage.LedgerRetention);
        Assert.Null(result.Config.Storage.SqlitePath);
    }

    [Theory]
    [InlineData("storage: { ledger_retention: 30d }", "storage.ledger_retention: applies to 'postgres' only (SQLite keeps the ledger for ever)")]
    [InlineData("storage: { postgres: \"Host=db\", ledger_retention: 0d }", "storage.ledger_retention: expected a number of days from 1d to 36500d, such as 400d, got '0d'")]
    [InlineData("storage: { postgres: \"${PG_MISSING}\" }", "storage.postgres: ")]
    public void Parse_BadPostgresStorage_ReportsThePath(string storage, string expected)
    {
        var result = ConfigLoader.Parse(Base + "\nmodels:\n  demo: { deployments: [ { provider: sim, model: echo } ] }\n" + storage + "\n", null, ConfigTestData.ProviderTypes, _ => null);

        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => $"{e.Path}: {e.Message}".StartsWith(expected, StringComparison.Ordinal));
    }

    private static TollgateConfig Success(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, null, ConfigTestData.ProviderTypes, _ => null);
        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("tollgate.yaml"))));
        return result.Config!;
    }
}
