using System.Text;
using Tollgate.Chat;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class AnthropicUsageReaderTests
{
    [Fact]
    public void TryRead_MessageStartThenDelta_InputIncludesCacheTokens()
    {
        Assert.True(AnthropicUsageReader.TryRead(
            Utf8("""{"type":"message_start","message":{"id":"m","usage":{"input_tokens":10,"cache_creation_input_tokens":4,"cache_read_input_tokens":6,"output_tokens":1}}}"""),
            null,
            out var start));
        Assert.True(AnthropicUsageReader.TryRead(Utf8("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}"""), start, out var end));

        Assert.Equal(new ChatUsage { InputTokens = 20, CacheWriteTokens = 4, CachedInputTokens = 6, OutputTokens = 1 }, start);
        Assert.Equal(new ChatUsage { InputTokens = 20, CacheWriteTokens = 4, CachedInputTokens = 6, OutputTokens = 15 }, end);
    }

    [Fact]
    public void TryRead_CumulativeDeltaWithInput_Replaces()
    {
        var start = new ChatUsage { InputTokens = 3 };

        Assert.True(AnthropicUsageReader.TryRead(Utf8("""{"type":"message_delta","usage":{"input_tokens":7,"cache_read_input_tokens":2,"output_tokens":4}}"""), start, out var usage));

        Assert.Equal(new ChatUsage { InputTokens = 9, CachedInputTokens = 2, OutputTokens = 4 }, usage);
    }

    [Theory]
    [InlineData("""{"type":"ping"}""")]
    [InlineData("""not json""")]
    [InlineData("""{"usage":null}""")]
    public void TryRead_NoUsage_False(string json) => Assert.False(AnthropicUsageReader.TryRead(Utf8(json), null, out _));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
