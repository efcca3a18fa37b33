using Microsoft.Extensions.Primitives;
using Tollgate.Core.Errors;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class AnthropicEndpointTests
{
    [Theory]
    [InlineData("2023-06-01")]
    [InlineData("2026-10-21")]
    [InlineData(" 2024-01-31 ")]
    public void CheckVersion_2023_06_01OrLater_Accepted(string version) =>
        Assert.Equal(version.Trim(), AnthropicEndpoint.CheckVersion(new StringValues(version)));

    [Theory]
    [InlineData(null, "anthropic-version: header is required")]
    [InlineData("", "anthropic-version: header is required")]
    [InlineData("2023-01-01", "anthropic-version: invalid version")]
    [InlineData("2023-05-31", "anthropic-version: invalid version")]
    [InlineData("2023-6-1", "anthropic-version: invalid version")]
    [InlineData("2023-02-30", "anthropic-version: invalid version")]
    [InlineData("v1", "anthropic-version: invalid version")]
    public void CheckVersion_MissingMalformedOrOlder_400(string? version, string message)
    {
        var ex = Assert.Throws<GatewayException>(() => AnthropicEndpoint.CheckVersion(version is null ? StringValues.Empty : new StringValues(version)));

        Assert.Equal(400, ex.StatusCode);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckVersion_TwoHeaders_400() =>
        Assert.Throws<GatewayException>(() => AnthropicEndpoint.CheckVersion(new StringValues(["2023-06-01", "2024-01-01"])));

    [Fact]
    public void ReadBetas_RepeatedAndCommaSeparated_SplitTrimmedDeduplicated()
    {
        var betas = AnthropicEndpoint.ReadBetas(new StringValues(["a-1, b-2", "b-2,,c-3 "]));

        Assert.Equal(["a-1", "b-2", "c-3"], betas);
        Assert.Empty(AnthropicEndpoint.ReadBetas(StringValues.Empty));
        Assert.Equal(
            [new KeyValuePair<string, string>("anthropic-version", "2023-06-01"), new KeyValuePair<string, string>("anthropic-beta", "a-1,b-2,c-3")],
            AnthropicPassthroughRelay.ForwardedHeaders("2023-06-01", betas));
    }
}
