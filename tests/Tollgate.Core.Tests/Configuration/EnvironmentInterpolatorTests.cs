using Tollgate.Core.Configuration;

namespace Tollgate.Core.Tests.Configuration;

public class EnvironmentInterpolatorTests
{
    private static readonly Func<string, string?> Env = ConfigTestData.Env(("HOST", "example.com"), ("PORT", "9000"), ("EMPTY", ""));

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${HOST}", "example.com")]
    [InlineData("https://${HOST}:${PORT:-8080}/v1", "https://example.com:9000/v1")]
    [InlineData("https://${HOST}:${MISSING:-8080}/v1", "https://example.com:8080/v1")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY}", "")]
    [InlineData("${MISSING:-}", "")]
    [InlineData("cost: $$5", "cost: $5")]
    [InlineData("$$${HOST}", "$example.com")]
    [InlineData("$HOST and $", "$HOST and $")]
    [InlineData("${MISSING:-https://api.openai.com/v1}", "https://api.openai.com/v1")]
    public void TryInterpolate_ValidReferences_Expands(string text, string expected)
    {
        Assert.True(EnvironmentInterpolator.TryInterpolate(text, Env, out var result, out var error));
        Assert.Equal(expected, result);
        Assert.Null(error);
    }

    [Fact]
    public void TryInterpolate_UnsetVariable_NamesIt()
    {
        Assert.False(EnvironmentInterpolator.TryInterpolate("key-${NOPE}", Env, out var result, out var error));
        Assert.Null(result);
        Assert.Equal("environment variable 'NOPE' is not set", error);
    }

    [Theory]
    [InlineData("${HOST")]
    [InlineData("${}")]
    [InlineData("${1ABC}")]
    [InlineData("${sk-secret}")]
    public void TryInterpolate_MalformedReference_FailsWithoutEchoingText(string text)
    {
        Assert.False(EnvironmentInterpolator.TryInterpolate(text, Env, out _, out var error));
        Assert.NotNull(error);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
        Assert.DoesNotContain("HOST", error, StringComparison.Ordinal);
    }
}
