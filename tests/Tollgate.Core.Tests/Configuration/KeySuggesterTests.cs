using Tollgate.Core.Configuration;

namespace Tollgate.Core.Tests.Configuration;

public class KeySuggesterTests
{
    [Theory]
    [InlineData("modles", "models")]
    [InlineData("provider", "providers")]
    [InlineData("sever", "server")]
    [InlineData("xyz", null)]
    [InlineData("deployments", null)]
    public void Suggest_Name_ReturnsClosestWithinTwoEdits(string name, string? expected) =>
        Assert.Equal(expected, KeySuggester.Suggest(name, ["server", "providers", "models"]));

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("claud", "claude", 1)]
    public void Distance_Pair_IsLevenshtein(string a, string b, int expected) =>
        Assert.Equal(expected, KeySuggester.Distance(a, b));
}
