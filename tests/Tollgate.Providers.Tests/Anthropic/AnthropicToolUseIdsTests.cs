using System.Text.RegularExpressions;
using Tollgate.Chat;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed partial class AnthropicToolUseIdsTests
{
    [Theory]
    [InlineData("call_1", "c2lnLWNhbGwtMQ==")]
    [InlineData("toolu_01A", "a+b/c=")]
    [InlineData("x", "signature with spaces and \u00e9")]
    public void Encode_GeminiSignature_RoundTripsAndStaysAValidAnthropicId(string id, string signature)
    {
        var wire = AnthropicToolUseIds.Encode(id, signature, SignatureFamilies.Gemini);

        Assert.Matches(AnthropicIdPattern(), wire);
        Assert.Equal(id, AnthropicToolUseIds.Decode(wire, out var decoded));
        Assert.Equal(signature, decoded);
    }

    [Theory]
    [InlineData(null, SignatureFamilies.Gemini)]
    [InlineData("", SignatureFamilies.Gemini)]
    [InlineData("sig", SignatureFamilies.Anthropic)]
    [InlineData("sig", null)]
    public void Encode_NoGeminiSignature_KeepsTheIdPlain(string? signature, string? family) =>
        Assert.Equal("toolu_1", AnthropicToolUseIds.Encode("toolu_1", signature, family));

    [Theory]
    [InlineData("toolu_01")]
    [InlineData("toolu__thought64__")]
    [InlineData("__thought64__abc")]
    [InlineData("toolu__thought64__!!notbase64")]
    public void Decode_PlainOrMalformed_IsThePlainId(string wire)
    {
        Assert.Equal(wire, AnthropicToolUseIds.Decode(wire, out var signature));
        Assert.Null(signature);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex AnthropicIdPattern();
}
