using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed class AnthropicStreamWriterTests
{
    [Fact]
    public void Write_ThinkingTextAndTwoToolCalls_DocumentedEventSequence()
    {
        var events = Run(
            new ChatStreamUpdate { Role = ChatRole.Assistant },
            new ChatStreamUpdate { ThinkingDelta = "Let me " },
            new ChatStreamUpdate { ThinkingDelta = "think.", SignatureFamily = SignatureFamilies.Anthropic },
            new ChatStreamUpdate { ThinkingSignature = "sig==", SignatureFamily = SignatureFamilies.Anthropic },
            new ChatStreamUpdate { TextDelta = "Checking." },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, "call_a", "read", "{\"pa")] },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, null, null, "th\":\"x\"}")] },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(1, "call_b", "glob", "{}")] },
            new ChatStreamUpdate { FinishReason = FinishReason.ToolCalls },
            new ChatStreamUpdate { Usage = new ChatUsage { InputTokens = 40, CachedInputTokens = 10, OutputTokens = 9 } });

        Assert.Equal(
            [
                "message_start", "ping",
                "content_block_start:0:thinking", "content_block_delta:0:thinking_delta", "content_block_delta:0:thinking_delta", "content_block_delta:0:signature_delta", "content_block_stop:0",
                "content_block_start:1:text", "content_block_delta:1:text_delta", "content_block_stop:1",
                "content_block_start:2:tool_use", "content_block_delta:2:input_json_delta", "content_block_delta:2:input_json_delta", "content_block_stop:2",
                "content_block_start:3:tool_use", "content_block_delta:3:input_json_delta", "content_block_stop:3",
                "message_delta", "message_stop",
            ],
            events.Select(Describe));
        Assert.Equal("call_a", events[10].Data["content_block"]!["id"]!.GetValue<string>());
        Assert.Equal("{}", events[10].Data["content_block"]!["input"]!.ToJsonString());
        Assert.Equal("sig==", events[5].Data["delta"]!["signature"]!.GetValue<string>());
        var delta = events[^2].Data;
        Assert.Equal("tool_use", delta["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(30, delta["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(10, delta["usage"]!["cache_read_input_tokens"]!.GetValue<long>());
        Assert.Equal(9, delta["usage"]!["output_tokens"]!.GetValue<long>());
        var start = events[0].Data["message"]!;
        Assert.Equal(("msg_gen-1", "client-model"), (start["id"]!.GetValue<string>(), start["model"]!.GetValue<string>()));
        Assert.Equal(0, start["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Fact]
    public void Write_TextThenToolCall_ExactDocumentedBytes()
    {
        // The updates an OpenAI-format provider yields for the streaming tool-use example of
        // https://docs.claude.com/en/docs/build-with-claude/streaming; the fixture is that example's event sequence.
        var writer = new AnthropicStreamWriter("chatcmpl-abc", "sonnet");
        var buffer = new ArrayBufferWriter<byte>();
        writer.WriteStart(buffer);
        foreach (var update in new[]
        {
            new ChatStreamUpdate { Role = ChatRole.Assistant },
            new ChatStreamUpdate { TextDelta = "Okay, let's check the weather for San Francisco, CA:" },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", string.Empty)] },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, null, null, "{\"location\":")] },
            new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, null, null, " \"San Francisco, CA\"}")] },
            new ChatStreamUpdate { FinishReason = FinishReason.ToolCalls },
            new ChatStreamUpdate { Usage = new ChatUsage { InputTokens = 472, OutputTokens = 89 } },
        })
        {
            writer.Write(buffer, update);
        }

        writer.WriteEnd(buffer);

        Assert.Equal(AnthropicFixtures.ReadText("surface_stream_text_and_tool.sse").ReplaceLineEndings("\n"), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Write_StopSequenceAndRedactedThinking_Reported()
    {
        var events = Run(
            new ChatStreamUpdate { RedactedThinking = "opaque" },
            new ChatStreamUpdate { TextDelta = "a" },
            new ChatStreamUpdate { FinishReason = FinishReason.Stop, StopSequence = "END" });

        Assert.Equal(
            ["message_start", "ping", "content_block_start:0:redacted_thinking", "content_block_stop:0", "content_block_start:1:text", "content_block_delta:1:text_delta", "content_block_stop:1", "message_delta", "message_stop"],
            events.Select(Describe));
        Assert.Equal("opaque", events[2].Data["content_block"]!["data"]!.GetValue<string>());
        Assert.Equal("stop_sequence", events[^2].Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal("END", events[^2].Data["delta"]!["stop_sequence"]!.GetValue<string>());
    }

    [Fact]
    public void Write_ForeignSignature_NotShown()
    {
        var events = Run(
            new ChatStreamUpdate { ThinkingDelta = "hmm", SignatureFamily = SignatureFamilies.Gemini },
            new ChatStreamUpdate { TextDelta = "answer" });

        Assert.DoesNotContain(events, e => e.Name == "content_block_start" && e.Data["content_block"]!["type"]!.GetValue<string>() == "thinking");
    }

    [Fact]
    public void Write_CitationsDelta_OnTextBlock()
    {
        var citation = JsonDocument.Parse("""[{"type":"char_location","cited_text":"x","document_index":0,"start_char_index":0,"end_char_index":1}]""").RootElement;

        var events = Run(new ChatStreamUpdate { TextDelta = "t" }, new ChatStreamUpdate { Citations = citation });

        Assert.Equal("citations_delta", events[4].Data["delta"]!["type"]!.GetValue<string>());
        Assert.Equal("char_location", events[4].Data["delta"]!["citation"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void WriteEnd_InvalidToolArguments_Throws502()
    {
        var writer = new AnthropicStreamWriter("x", "m");
        var buffer = new ArrayBufferWriter<byte>();
        writer.Write(buffer, new ChatStreamUpdate { ToolCalls = [new ToolCallUpdate(0, "c", "bad", "{\"unterminated\":")] });

        var ex = Assert.Throws<ProviderException>(() => writer.WriteEnd(buffer));

        Assert.Equal(502, ex.StatusCode);
    }

    private static List<(string Name, JsonObject Data)> Run(params ChatStreamUpdate[] updates)
    {
        var writer = new AnthropicStreamWriter("gen-1", "client-model");
        var buffer = new ArrayBufferWriter<byte>();
        writer.WriteStart(buffer);
        foreach (var update in updates)
        {
            writer.Write(buffer, update);
        }

        writer.WriteEnd(buffer);
        var events = new List<(string, JsonObject)>();
        foreach (var block in Encoding.UTF8.GetString(buffer.WrittenSpan).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject();
            Assert.Equal(lines[0]["event: ".Length..], data["type"]!.GetValue<string>());
            events.Add((lines[0]["event: ".Length..], data));
        }

        return events;
    }

    private static string Describe((string Name, JsonObject Data) e) => e.Name switch
    {
        "content_block_start" => $"{e.Name}:{e.Data["index"]}:{e.Data["content_block"]!["type"]}",
        "content_block_delta" => $"{e.Name}:{e.Data["index"]}:{e.Data["delta"]!["type"]}",
        "content_block_stop" => $"{e.Name}:{e.Data["index"]}",
        _ => e.Name,
    };
}
