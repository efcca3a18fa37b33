using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIUsageReaderTests
{
    [Fact]
    public void TryRead_DocumentedCompletion_ReadsUsageWithDetailsAndChoices()
    {
        var found = OpenAIUsageReader.TryRead(OpenAIFixtures.ReadBytes("response_text.json"), out var usage, out var hasChoices);

        Assert.True(found);
        Assert.True(hasChoices);
        Assert.Equal(new ChatUsage { InputTokens = 19, OutputTokens = 10, CachedInputTokens = 4, ReasoningTokens = 3 }, usage);
    }

    [Fact]
    public async Task TryRead_DocumentedStream_FindsUsageOnlyInTheUsageChunk()
    {
        var events = await OpenAIFixtures.ReadSseDataAsync("stream_text.sse");

        var results = events.Select(e => (Found: OpenAIUsageReader.TryRead(e, out var u, out var c), Usage: u, HasChoices: c)).ToList();

        Assert.Equal(new[] { false, false, false, false, true }, results.Select(r => r.Found));
        Assert.Equal(new[] { true, true, true, true, false }, results.Select(r => r.HasChoices));
        Assert.Equal(new ChatUsage { InputTokens = 9, OutputTokens = 2 }, results[4].Usage);
    }

    [Theory]
    [InlineData("""{"choices":[],"usage":null}""", false, false)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"x"}}],"usage":null}""", false, true)]
    [InlineData("""{"usage":{"prompt_tokens":1,"completion_tokens":2},"choices":[{"index":0},{"index":1}]}""", true, true)]
    [InlineData("""{"choices":null,"usage":{"prompt_tokens":1}}""", true, false)]
    [InlineData("""{"nested":{"usage":{"prompt_tokens":1}},"choices":[]}""", false, false)]
    public void TryRead_Chunk_ReportsUsageAndChoices(string json, bool expectedFound, bool expectedChoices)
    {
        var found = OpenAIUsageReader.TryRead(OpenAIFixtures.Utf8(json), out _, out var hasChoices);

        Assert.Equal(expectedFound, found);
        Assert.Equal(expectedChoices, hasChoices);
    }

    [Fact]
    public void TryRead_UsageBeforeChoicesWithOddTypes_ReadsNumbersAndIgnoresTheRest()
    {
        var json = """{"usage":{"prompt_tokens":7,"completion_tokens":"x","total_tokens":7,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0},"extra":[1,{"a":2}]},"choices":[]}""";

        Assert.True(OpenAIUsageReader.TryRead(OpenAIFixtures.Utf8(json), out var usage, out var hasChoices));

        Assert.False(hasChoices);
        Assert.Equal(new ChatUsage { InputTokens = 7, OutputTokens = 0, ReasoningTokens = 2 }, usage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("[1,2,3]")]
    [InlineData("\"usage\"")]
    [InlineData("{\"usage\":{\"prompt_tokens\":")]
    [InlineData("{\"usage\":{\"prompt_tokens\":1},\"choices\":[{\"index\":0}")]
    [InlineData("{\"usage\":[1,2],\"choices\":[]}")]
    [InlineData("{\"usage\":\"none\"}")]
    [InlineData("{\"a\":{\"b\":{\"c\":[[[[[]]]]]}}")]
    [InlineData("\u0000\u0001\u0002")]
    public void TryRead_Garbage_ReturnsFalseWithoutThrowing(string text)
    {
        var found = OpenAIUsageReader.TryRead(OpenAIFixtures.Utf8(text), out _, out _);

        Assert.False(found);
    }

    [Fact]
    public void TryRead_DeepNesting_ReturnsFalseWithoutThrowing()
    {
        var json = "{\"x\":" + new string('[', 300) + new string(']', 300) + "}";

        Assert.False(OpenAIUsageReader.TryRead(OpenAIFixtures.Utf8(json), out _, out _));
    }

    [Fact]
    public void Read_NullUsage_ReturnsNull()
    {
        using var document = JsonDocument.Parse("null");

        Assert.Null(OpenAIUsageReader.Read(document.RootElement));
    }
}
