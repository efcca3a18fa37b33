using System.Text;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Tests.Pricing;

public sealed class PriceCatalogValidationTests
{
    private const string Period = """{ "effective_from": "2025-01-01", "input": "1.00", "output": "2.00", "source": "https://example.com/pricing", "checked": "2026-11-23" }""";

    private static string Catalog(string models, string familyExtra = "") =>
        $$"""{ "schema_version": 1, "families": { "acme": { "provider_types": ["acme"]{{familyExtra}}, "models": [{{models}}] } } }""";

    private static string Model(string periods, string id = "acme-1", string extra = "") =>
        $$"""{ "id": "{{id}}"{{extra}}, "prices": [{{periods}}] }""";

    private static PriceCatalogException Broken(string json) =>
        Assert.Throws<PriceCatalogException>(() => PriceCatalog.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Parse_ValidMinimalCatalog_Works()
    {
        var catalog = PriceCatalog.Parse(Encoding.UTF8.GetBytes(Catalog(Model(Period))));

        Assert.Equal(1.00m, catalog.Find(new PriceQuery("acme", "acme-1", DateTimeOffset.UnixEpoch.AddYears(56)))!.Input);
    }

    [Fact]
    public void Parse_RateAsJsonNumber_IsRejectedNamingTheEntry()
    {
        var error = Broken(Catalog(Model(Period.Replace("\"1.00\"", "1.0", StringComparison.Ordinal))));

        Assert.Equal("families.acme.models[0] ('acme-1').prices[0]: 'input' must be a decimal string such as \"2.50\", got a JSON number.", error.Message);
    }

    [Theory]
    [InlineData("-1.00")]
    [InlineData("1e3")]
    [InlineData("1,5")]
    [InlineData(".5")]
    [InlineData("100000.01")]
    public void Parse_MalformedRate_IsRejected(string rate)
    {
        var error = Broken(Catalog(Model(Period.Replace("\"1.00\"", $"\"{rate}\"", StringComparison.Ordinal))));

        Assert.Contains("'input'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverlappingPeriods_AreRejected()
    {
        var second = Period.Replace("2025-01-01", "2025-06-01", StringComparison.Ordinal);

        var error = Broken(Catalog(Model(Period + "," + second)));

        Assert.Contains("prices[1]: overlaps prices[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PeriodsOutOfOrder_AreRejected()
    {
        var first = Period.Replace("\"effective_from\": \"2025-01-01\"", "\"effective_from\": \"2025-06-01\"", StringComparison.Ordinal);

        var error = Broken(Catalog(Model(first + "," + Period)));

        Assert.Contains("increasing 'effective_from' order", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"inputs\": \"1.00\", ", "unknown field 'inputs'")]
    [InlineData("\"batch_discount\": \"1.0\", ", "'batch_discount' must be a fraction")]
    [InlineData("\"effective_to\": \"2024-01-01\", ", "'effective_to' must be later")]
    [InlineData("\"tiers\": [{ \"above_prompt_tokens\": 0, \"input\": \"2\" }], ", "'above_prompt_tokens' must be a positive whole number")]
    [InlineData("\"tiers\": [{ \"above_prompt_tokens\": 10, \"input\": \"2\" }, { \"above_prompt_tokens\": 5, \"input\": \"3\" }], ", "increasing 'above_prompt_tokens'")]
    [InlineData("\"tiers\": [{ \"above_prompt_tokens\": 10 }], ", "at least one rate")]
    public void Parse_BadPeriodField_IsRejected(string insert, string expected)
    {
        var error = Broken(Catalog(Model(Period.Insert(2, insert))));

        Assert.StartsWith("families.acme.models[0] ('acme-1').prices[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"http://example.com/pricing\"", "https URL")]
    [InlineData("\"\"", "non-empty string")]
    public void Parse_SourceNotAnHttpsUrl_IsRejected(string source, string expected)
    {
        var error = Broken(Catalog(Model(Period.Replace("\"https://example.com/pricing\"", source, StringComparison.Ordinal))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingCheckedDate_IsRejected()
    {
        var error = Broken(Catalog(Model(Period.Replace(", \"checked\": \"2026-11-23\"", "", StringComparison.Ordinal))));

        Assert.Contains("'checked' is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ChatModelWithoutOutput_IsRejected()
    {
        var error = Broken(Catalog(Model(Period.Replace(", \"output\": \"2.00\"", "", StringComparison.Ordinal))));

        Assert.Contains("'output' is required for a chat model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmbeddingModelWithOutput_IsRejected()
    {
        var error = Broken(Catalog(Model(Period, extra: ", \"kind\": \"embedding\"")));

        Assert.Contains("an embedding model has only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateAlias_IsRejected()
    {
        var error = Broken(Catalog(Model(Period) + "," + Model(Period, id: "acme-2", extra: ", \"aliases\": [\"acme-1\"]")));

        Assert.Contains("'acme-1' is already used by model 'acme-1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UpperCaseId_IsRejected()
    {
        var error = Broken(Catalog(Model(Period, id: "Acme-1")));

        Assert.Contains("must be lower case", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProviderTypeInTwoFamilies_IsRejected()
    {
        var json = $$"""{ "schema_version": 1, "families": { "a": { "provider_types": ["x"], "models": [] }, "b": { "provider_types": ["x"], "models": [] } } }""";

        var error = Broken(json);

        Assert.Equal("families.b: provider type 'x' is already mapped by family 'a'.", error.Message);
    }

    [Fact]
    public void Parse_SamePricesAsUnknownFamily_IsRejected()
    {
        var json = """{ "schema_version": 1, "families": { "a": { "provider_types": ["x"], "same_prices_as": "nope" } } }""";

        var error = Broken(json);

        Assert.Contains("'same_prices_as' names 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "schema_version": 2, "families": {} }""", "'schema_version' must be 1")]
    [InlineData("""{ "schema_version": 1 }""", "'families' is required")]
    [InlineData("""{ "schema_version": 1, "families": {} } trailing""", "not valid JSON")]
    [InlineData("""{ "schema_version": 1, "families": { "a": { "provider_types": [] , "models": [] } } }""", "at least one provider type")]
    public void Parse_BrokenStructure_IsRejected(string json, string expected)
    {
        var error = Broken(json);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
