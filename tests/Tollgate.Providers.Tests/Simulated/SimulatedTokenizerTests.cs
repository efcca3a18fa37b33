using Tollgate.Providers.Simulated;

namespace Tollgate.Providers.Tests.Simulated;

public class SimulatedTokenizerTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("hello", 1)]
    [InlineData("Hello, world!", 4)]
    [InlineData("abc123 def", 2)]
    [InlineData("{\"echo\":\"hi\"}", 9)]
    public void Count_Text_CountsWordRunsAndSymbols(string text, int expected)
    {
        Assert.Equal(expected, SimulatedTokenizer.Count(text));
    }

    [Theory]
    [InlineData("Hello, world!  ")]
    [InlineData("  leading space")]
    [InlineData("a.b c")]
    public void Split_Text_PiecesConcatenateToInputAndMatchCount(string text)
    {
        var pieces = SimulatedTokenizer.Split(text);

        Assert.Equal(text.TrimStart().Length == 0 ? string.Empty : text, string.Concat(pieces));
        Assert.Equal(SimulatedTokenizer.Count(text), pieces.Count);
    }
}
