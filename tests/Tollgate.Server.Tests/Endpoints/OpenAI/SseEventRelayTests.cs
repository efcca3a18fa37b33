using System.IO.Pipelines;
using System.Text;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Tests.Endpoints.OpenAI;

public sealed class SseEventRelayTests
{
    private const string Chunk1 = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n";
    private const string Chunk2 = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private const string UsageChunk = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\n";
    private const string Done = "data: [DONE]\n\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayAsync_WholeStream_RelaysBytesUnchangedAndReadsUsage(bool oneByteReads)
    {
        var input = Chunk1 + ": keep-alive comment\n\n" + Chunk2 + UsageChunk + Done;

        var (output, relay) = await RelayAsync(input, hideUsageChunk: false, oneByteReads);

        Assert.Equal(input, output);
        Assert.NotNull(relay.Usage);
        Assert.Equal(7, relay.Usage.InputTokens);
        Assert.Equal(2, relay.Usage.CachedInputTokens);
        Assert.Equal(3, relay.Usage.OutputTokens);
        Assert.NotNull(relay.FirstEventTimestamp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayAsync_HideUsageChunk_DropsOnlyTheUsageOnlyChunk(bool oneByteReads)
    {
        var (output, relay) = await RelayAsync(Chunk1 + Chunk2 + UsageChunk + Done, hideUsageChunk: true, oneByteReads);

        Assert.Equal(Chunk1 + Chunk2 + Done, output);
        Assert.Equal(10, relay.Usage!.TotalTokens);
    }

    [Fact]
    public async Task RelayAsync_CrLfLineEndings_FindsEventsAndUsage()
    {
        var input = (Chunk1 + UsageChunk + Done).Replace("\n", "\r\n", StringComparison.Ordinal);

        var (output, relay) = await RelayAsync(input, hideUsageChunk: true, oneByteReads: true);

        Assert.Equal((Chunk1 + Done).Replace("\n", "\r\n", StringComparison.Ordinal), output);
        Assert.Equal(3, relay.Usage!.OutputTokens);
    }

    [Fact]
    public async Task RelayAsync_UsageInAChunkWithChoices_IsKeptEvenWhenHiding()
    {
        var combined = "data: {\"choices\":[{\"index\":0,\"delta\":{}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n";

        var (output, relay) = await RelayAsync(combined + Done, hideUsageChunk: true, oneByteReads: false);

        Assert.Equal(combined + Done, output);
        Assert.Equal(2, relay.Usage!.TotalTokens);
    }

    [Fact]
    public async Task RelayAsync_UnterminatedLastEvent_IsStillRelayed()
    {
        var (output, _) = await RelayAsync(Chunk1 + "data: [DONE]", hideUsageChunk: false, oneByteReads: false);

        Assert.Equal(Chunk1 + "data: [DONE]", output);
    }

    [Theory]
    [InlineData("data: a\n\ndata: b", 9)]
    [InlineData("data: a\r\n\r\ndata: b\n\n", 20)]
    [InlineData("data: a\ndata: b\n", 0)]
    [InlineData("", 0)]
    public void LastBoundary_FindsEndOfLastCompleteEvent(string text, int expected) =>
        Assert.Equal(expected, SseEventRelay.LastBoundary(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("{\"usage\":null}", false)]
    [InlineData("{\"usage\": null, \"x\":{\"usage\" : {\"a\":1}}}", true)]
    [InlineData("{\"usage\":{\"prompt_tokens\":1}}", true)]
    [InlineData("{\"content\":\"the word usage\"}", false)]
    public void ContainsUsageObject_OnlyForANonNullObject(string json, bool expected) =>
        Assert.Equal(expected, SseEventRelay.ContainsUsageObject(Encoding.UTF8.GetBytes(json)));

    private static async Task<(string Output, SseEventRelay Relay)> RelayAsync(string input, bool hideUsageChunk, bool oneByteReads)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        Stream upstream = oneByteReads ? new TrickleStream(bytes) : new MemoryStream(bytes);
        var pipe = new Pipe();
        var relay = new SseEventRelay();
        await relay.RelayAsync(upstream, pipe.Writer, hideUsageChunk, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        using var collected = new MemoryStream();
        await pipe.Reader.CopyToAsync(collected).WaitAsync(TimeSpan.FromSeconds(10));
        return (Encoding.UTF8.GetString(collected.ToArray()), relay);
    }

    /// <summary>Returns one byte per read, so every boundary falls across reads.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
