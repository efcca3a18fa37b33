using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Core.Configuration;
using Tollgate.Providers.Simulated;

namespace Tollgate.Providers.Tests.Simulated;

public class SimulatedChatProviderFactoryTests
{
    [Fact]
    public void Type_IsSimulated_AndDeclaresEverySetting()
    {
        var factory = new SimulatedChatProviderFactory();

        Assert.Equal("simulated", factory.Type);
        Assert.Equal(
            ["answer", "answer_tokens", "time_to_first_token", "tokens_per_second", "error_rate", "error_status", "embedding_dimensions"],
            factory.Settings.Select(s => s.Key));
    }

    [Fact]
    public void ParseOptions_NoSettings_UsesDefaults()
    {
        var options = SimulatedChatProviderFactory.ParseOptions(Config());

        Assert.Equal("echo", options.Answer);
        Assert.Null(options.AnswerTokens);
        Assert.Equal(TimeSpan.Zero, options.TimeToFirstToken);
        Assert.Equal(0, options.TokensPerSecond);
        Assert.Equal(0, options.ErrorRate);
        Assert.Equal(500, options.ErrorStatus);
        Assert.Equal(256, options.EmbeddingDimensions);
    }

    [Fact]
    public void ParseOptions_AllSettings_ReadsThem()
    {
        var options = SimulatedChatProviderFactory.ParseOptions(Config(
            ("answer", "lorem"), ("answer_tokens", "12"), ("time_to_first_token", "250ms"), ("tokens_per_second", "40.5"),
            ("error_rate", "0.25"), ("error_status", "429"), ("embedding_dimensions", "64")));

        Assert.Equal("lorem", options.Answer);
        Assert.Equal(12, options.AnswerTokens);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.TimeToFirstToken);
        Assert.Equal(40.5, options.TokensPerSecond);
        Assert.Equal(0.25, options.ErrorRate);
        Assert.Equal(429, options.ErrorStatus);
        Assert.Equal(64, options.EmbeddingDimensions);
    }

    [Theory]
    [InlineData("error_rate", "1.5")]
    [InlineData("error_rate", "-0.1")]
    [InlineData("error_status", "200")]
    [InlineData("answer_tokens", "0")]
    [InlineData("tokens_per_second", "-1")]
    [InlineData("embedding_dimensions", "0")]
    [InlineData("time_to_first_token", "soon")]
    [InlineData("answer", "")]
    public void Create_InvalidSetting_ThrowsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SimulatedChatProviderFactory().Create(
            Config((key, value)),
            new Core.Providers.ProviderContext(null!, new FakeTimeProvider(), new Random(1), NullLoggerFactory.Instance)));

        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    private static ProviderConfig Config(params (string Key, string Value)[] settings) => new()
    {
        Name = "sim",
        Type = "simulated",
        Settings = settings.ToDictionary(s => s.Key, s => ConfigValue.FromScalar(s.Value)),
    };
}
