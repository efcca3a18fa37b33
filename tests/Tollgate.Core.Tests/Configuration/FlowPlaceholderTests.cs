using Tollgate.Core.Configuration;
using static Tollgate.Core.Tests.Configuration.ConfigTestData;

namespace Tollgate.Core.Tests.Configuration;

/// <summary><c>${VAR}</c> as a whole value inside a one-line (flow) mapping, the way the config reference writes providers.</summary>
public class FlowPlaceholderTests
{
    [Fact]
    public void Parse_PlaceholdersInMultiLineFlowMapping_AreInterpolated()
    {
        const string Yaml = """
            providers:
              claude: { type: anthropic, api_key: ${ANTHROPIC_API_KEY},
                        base_url: ${ANTHROPIC_URL:-https://api.anthropic.com} }
              openai: { type: openai, api_key: ${OPENAI_API_KEY} }
            models:
              sonnet: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
            """;

        var result = Parse(Yaml, ("ANTHROPIC_API_KEY", "sk-ant"), ("OPENAI_API_KEY", "sk-oa"));

        Assert.True(result.Success, string.Join("; ", result.Errors));
        Assert.Equal("sk-ant", result.Config!.Providers["claude"].ApiKey);
        Assert.Equal("https://api.anthropic.com", result.Config.Providers["claude"].BaseUrl?.ToString());
        Assert.Equal("sk-oa", result.Config.Providers["openai"].ApiKey);
    }

    [Fact]
    public void Parse_UnsetPlaceholderInFlowMapping_IsAnErrorAtItsPlace()
    {
        var result = Parse("providers:\n  openai: { type: openai, api_key: ${MISSING_KEY} }\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("providers.openai.api_key", error.Path);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("a: ${X}\n")]
    [InlineData("a: \"${X}\"\n")]
    [InlineData("a: '${X}'\n")]
    [InlineData("a: { b: \"${X}\" }\n")]
    [InlineData("a: { b: pre${X} }\n")]
    [InlineData("# { c: ${X} }\na: 1\n")]
    [InlineData("a: { b: it's ${X}post }\n")]
    public void QuoteFlowPlaceholders_LeavesOtherPlacesAlone(string yaml) =>
        Assert.Equal(yaml, ConfigLoader.QuoteFlowPlaceholders(yaml));

    [Theory]
    [InlineData("a: { b: ${X} }\n", "a: { b: \"${X}\" }\n")]
    [InlineData("a: [ ${X}, ${Y:-d} ]\n", "a: [ \"${X}\", \"${Y:-d}\" ]\n")]
    [InlineData("a: { b: ${X},\n     c: ${Y} }\n", "a: { b: \"${X}\",\n     c: \"${Y}\" }\n")]
    public void QuoteFlowPlaceholders_QuotesWholeFlowValues(string yaml, string expected) =>
        Assert.Equal(expected, ConfigLoader.QuoteFlowPlaceholders(yaml));
}
