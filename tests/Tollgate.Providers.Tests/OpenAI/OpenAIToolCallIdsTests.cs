using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIToolCallIdsTests
{
    [Theory]
    [InlineData("call_1", "CiIBVKhc7oDXpNbKeVqQ4fNoV1pv+Ar/9w==")]
    [InlineData("toolu_01A09q90qw90lq917835lq9", "c2lnbmF0dXJl")]
    [InlineData("a_b__c", "x")]
    public void EncodeThenDecode_GeminiSignature_RoundTrips(string id, string signature)
    {
        var wire = OpenAIToolCallIds.Encode(id, signature, SignatureFamilies.Gemini);

        Assert.Equal($"{id}__thought__{signature}", wire);
        Assert.Equal(id, OpenAIToolCallIds.Decode(wire, out var decoded));
        Assert.Equal(signature, decoded);
    }

    [Theory]
    [InlineData(null, SignatureFamilies.Gemini)]
    [InlineData("", SignatureFamilies.Gemini)]
    [InlineData("sig", SignatureFamilies.Anthropic)]
    [InlineData("sig", null)]
    [InlineData("a__thought__b", SignatureFamilies.Gemini)]
    public void Encode_NothingToCarry_LeavesIdPlain(string? signature, string? family)
    {
        Assert.Equal("call_1", OpenAIToolCallIds.Encode("call_1", signature, family));
    }

    [Theory]
    [InlineData("call_1")]
    [InlineData("__thought__sig")]
    [InlineData("call_1__thought__")]
    public void Decode_PlainOrDegenerateId_KeptWhole(string id)
    {
        Assert.Equal(id, OpenAIToolCallIds.Decode(id, out var signature));
        Assert.Null(signature);
    }
}
