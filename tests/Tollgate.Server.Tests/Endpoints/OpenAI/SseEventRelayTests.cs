using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Tollgate.Core.Limits;
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayAsync_CappedStreamWithinTheReservation_RelaysBytesUnchanged(bool oneByteReads)
    {
        var input = Content("a") + Content("b") + Chunk2 + UsageChunk + Done;

        var (output, relay) = await RelayAsync(input, hideUsageChunk: false, oneByteReads, new SseEventRelay(new OutputCap(2)));

        Assert.Equal(input, output);
        Assert.False(relay.Ended);
        Assert.Equal(3, relay.Usage!.OutputTokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayAsync_CappedStreamPastTheReservation_EndsWithLengthAndDone(bool oneByteReads)
    {
        var input = Content("a") + Content("b") + Content("c") + Content("d") + Chunk2 + UsageChunk + Done;

        var (output, relay) = await RelayAsync(input, hideUsageChunk: true, oneByteReads, new SseEventRelay(new OutputCap(2, promptEstimate: 11)));

        var events = Events(output);
        Assert.Equal(4, events.Count);
        Assert.Equal(Content("a") + Content("b"), "data: " + events[0] + "\n\n" + "data: " + events[1] + "\n\n");
        using var finish = JsonDocument.Parse(events[2]);
        Assert.Equal("c", finish.RootElement.GetProperty("id").GetString());
        Assert.Equal("gpt-x", finish.RootElement.GetProperty("model").GetString());
        Assert.Equal("chat.completion.chunk", finish.RootElement.GetProperty("object").GetString());
        var choice = Assert.Single(finish.RootElement.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("[DONE]", events[3]);
        Assert.True(relay.Ended);
        Assert.Equal(11, relay.Usage!.InputTokens);
        Assert.Equal(3, relay.Usage.OutputTokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelayAsync_FastPath_CountsTheEventsAfterTheRoleChunkAsOutput(bool oneByteReads)
    {
        var role = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n";

        var (_, relay) = await RelayAsync(role + Content("a") + Content("b") + Content("c"), hideUsageChunk: false, oneByteReads);

        Assert.Equal(3, relay.OutputPieces);
        Assert.True(relay.Complete);
    }

    [Fact]
    public async Task RelayAsync_CutWhenTheClientAskedForUsage_WritesTheUsageChunk()
    {
        var input = Content("a") + Content("b") + Content("c") + Chunk2 + UsageChunk + Done;

        var (output, _) = await RelayAsync(input, hideUsageChunk: false, oneByteReads: false, new SseEventRelay(new OutputCap(1, promptEstimate: 11), clientWantsUsage: true));

        var events = Events(output);
        Assert.Equal(4, events.Count);
        using var finish = JsonDocument.Parse(events[1]);
        Assert.Equal("length", finish.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, finish.RootElement.GetProperty("usage").ValueKind);
        using var usage = JsonDocument.Parse(events[2]);
        Assert.Equal(0, usage.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(11, usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", events[3]);
    }

    [Fact]
    public async Task RelayAsync_CutWithSeveralChoices_FinishesEveryUnfinishedChoice()
    {
        var input = Content("a", index: 0) + Content("b", index: 1) + Finish(index: 0) + Content("c", index: 1) + Content("d", index: 1) + Done;

        var (output, _) = await RelayAsync(input, hideUsageChunk: false, oneByteReads: false, new SseEventRelay(new OutputCap(3)));

        // a, b, choice 0's own finish and c are relayed; d goes past the cap, so only choice 1 is finished by the relay.
        var events = Events(output);
        Assert.Equal(6, events.Count);
        using var finish = JsonDocument.Parse(events[4]);
        var choice = Assert.Single(finish.RootElement.GetProperty("choices").EnumerateArray());
        Assert.Equal(1, choice.GetProperty("index").GetInt32());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("[DONE]", events[5]);
    }

    [Fact]
    public async Task RelayAsync_CapCountsToolArgumentsAndReasoning()
    {
        var input =
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think\"}}]}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\n" +
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]}}]}\n\n" +
            Done;
        var cap = new OutputCap(2);

        var (output, relay) = await RelayAsync(input, hideUsageChunk: false, oneByteReads: false, new SseEventRelay(cap));

        Assert.True(relay.Ended);
        Assert.Equal(3, cap.Counted);
        Assert.DoesNotContain(":1}", output, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"length\"", output, StringComparison.Ordinal);
    }

    private static string Content(string text, int index = 0) =>
        $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x\",\"choices\":[{{\"index\":{index},\"delta\":{{\"content\":\"{text}\"}}}}],\"usage\":null}}\n\n";

    private static string Finish(int index) =>
        $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-x\",\"choices\":[{{\"index\":{index},\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":null}}\n\n";

    /// <summary>The data of each event in <paramref name="output"/>.</summary>
    private static List<string> Events(string output) =>
        [.. output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..])];

    private static async Task<(string Output, SseEventRelay Relay)> RelayAsync(string input, bool hideUsageChunk, bool oneByteReads, SseEventRelay? relay = null)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        Stream upstream = oneByteReads ? new TrickleStream(bytes) : new MemoryStream(bytes);
        var pipe = new Pipe();
        relay ??= new SseEventRelay();
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
