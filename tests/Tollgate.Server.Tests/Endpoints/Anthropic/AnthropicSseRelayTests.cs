using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Tollgate.Core.Limits;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class AnthropicSseRelayTests
{
    private const string MessageStart =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":21,\"output_tokens\":1}}}\n\n";

    private const string Ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    private const string BlockStart = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    private const string BlockStop = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";
    private const string MessageDelta = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}\n\n";
    private const string MessageStop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    [Fact]
    public async Task RelayAsync_Uncapped_RelaysBytesUnchangedAndReadsUsage()
    {
        var input = MessageStart + Ping + BlockStart + Text("a") + Text("b") + BlockStop + MessageDelta + MessageStop;

        var (output, relay) = await RelayAsync(input, new AnthropicSseRelay());

        Assert.Equal(input, output);
        Assert.Equal(21, relay.Usage!.InputTokens);
        Assert.Equal(3, relay.Usage.OutputTokens);
    }

    [Fact]
    public async Task RelayAsync_CappedWithinTheReservation_RelaysBytesUnchanged()
    {
        var input = MessageStart + Ping + BlockStart + Text("a") + Text("b") + BlockStop + MessageDelta + MessageStop;

        var (output, relay) = await RelayAsync(input, new AnthropicSseRelay(new OutputCap(2)));

        Assert.Equal(input, output);
        Assert.False(relay.Ended);
        Assert.Equal(3, relay.Usage!.OutputTokens);
    }

    [Fact]
    public async Task RelayAsync_CappedPastTheReservation_ClosesTheBlockAndStopsWithMaxTokens()
    {
        var input = MessageStart + Ping + BlockStart + Text("a") + Text("b") + Text("c") + BlockStop + MessageDelta + MessageStop;

        var (output, relay) = await RelayAsync(input, new AnthropicSseRelay(new OutputCap(2, promptEstimate: 99)));

        Assert.StartsWith(MessageStart + Ping + BlockStart + Text("a") + Text("b"), output, StringComparison.Ordinal);
        var rest = output[(MessageStart + Ping + BlockStart + Text("a") + Text("b")).Length..];
        Assert.Equal(BlockStop + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}\n\n" + MessageStop, rest);
        Assert.True(relay.Ended);
        Assert.Equal(21, relay.Usage!.InputTokens);
        Assert.Equal(3, relay.Usage.OutputTokens);
    }

    [Fact]
    public async Task RelayAsync_CutBetweenBlocks_WritesNoBlockStop()
    {
        var toolStart = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n";
        var json = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}\n\n";
        var input = MessageStart + BlockStart + Text("a") + BlockStop + toolStart + json + MessageDelta + MessageStop;

        var (output, _) = await RelayAsync(input, new AnthropicSseRelay(new OutputCap(1)));

        // The tool_use block was opened, so it is the one closed.
        Assert.Contains(toolStart + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("partial_json", output, StringComparison.Ordinal);
        var last = output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^2];
        using var delta = JsonDocument.Parse(last[(last.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
        Assert.Equal("max_tokens", delta.RootElement.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    private static string Text(string text) =>
        $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}\n\n";

    private static async Task<(string Output, AnthropicSseRelay Relay)> RelayAsync(string input, AnthropicSseRelay relay)
    {
        var pipe = new Pipe();
        await relay.RelayAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), pipe.Writer, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.CompleteAsync();
        using var collected = new MemoryStream();
        await pipe.Reader.CopyToAsync(collected).WaitAsync(TimeSpan.FromSeconds(10));
        return (Encoding.UTF8.GetString(collected.ToArray()), relay);
    }
}
