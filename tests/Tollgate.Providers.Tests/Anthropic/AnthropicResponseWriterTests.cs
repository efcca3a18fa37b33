using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed class AnthropicResponseWriterTests
{
    [Fact]
    public void Write_ThinkingTextAndToolCall_DocumentedMessageShape()
    {
        var message = new ChatMessage(ChatRole.Assistant, [
            new ThinkingPart("plan", "sig") { SignatureFamily = SignatureFamilies.Anthropic },
            new TextPart("Checking."),
        ])
        {
            ToolCalls = [new ToolCall("toolu_1", "get_weather", """{"city":"Paris"}""")],
        };
        var response = Response(message, FinishReason.ToolCalls, new ChatUsage { InputTokens = 100, CachedInputTokens = 30, CacheWriteTokens = 20, OutputTokens = 7 });

        var json = Write(response, "my-model");

        var expected = JsonNode.Parse("""
            {"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"my-model",
             "content":[{"type":"thinking","thinking":"plan","signature":"sig"},{"type":"text","text":"Checking."},
                        {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":50,"cache_creation_input_tokens":20,"cache_read_input_tokens":30,"output_tokens":7}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public void Write_ForeignFamilyReasoning_Omitted()
    {
        var message = new ChatMessage(ChatRole.Assistant, [
            new ThinkingPart("gemini thought", "g-sig") { SignatureFamily = SignatureFamilies.Gemini },
            new RedactedThinkingPart("x") { SignatureFamily = SignatureFamilies.Gemini },
            new ThinkingPart("unsigned summary"),
            new TextPart("answer"),
        ]);

        var content = Write(Response(message, FinishReason.Stop, null), "m")["content"]!.AsArray();

        Assert.Equal(["thinking", "text"], content.Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal("unsigned summary", content[0]!["thinking"]!.GetValue<string>());
        Assert.Equal(string.Empty, content[0]!["signature"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(FinishReason.Stop, null, "end_turn", null)]
    [InlineData(FinishReason.Stop, "END", "stop_sequence", "END")]
    [InlineData(FinishReason.Length, null, "max_tokens", null)]
    [InlineData(FinishReason.ToolCalls, null, "tool_use", null)]
    [InlineData(FinishReason.ContentFilter, null, "refusal", null)]
    public void Write_FinishReason_StopReason(FinishReason reason, string? stopSequence, string stopReason, string? expectedSequence)
    {
        var response = new ChatResponse
        {
            Id = "msg_abc",
            Model = "x",
            Created = DateTimeOffset.UnixEpoch,
            Choices = [new ChatChoice(0, ChatMessage.FromText(ChatRole.Assistant, "t"), reason) { StopSequence = stopSequence }],
        };

        var json = Write(response, "m");

        Assert.Equal("msg_abc", json["id"]!.GetValue<string>());
        Assert.Equal(stopReason, json["stop_reason"]!.GetValue<string>());
        Assert.Equal(expectedSequence, json["stop_sequence"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":")]
    public void Write_ToolArgumentsNotAnObject_502InvalidResponse(string arguments)
    {
        var message = new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("t", "broken_tool", arguments)] };

        var ex = Assert.Throws<ProviderException>(() => Write(Response(message, FinishReason.ToolCalls, null), "m"));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("broken_tool", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptyToolArguments_EmptyObject()
    {
        var message = new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("t", "no_args", string.Empty)] };

        var json = Write(Response(message, FinishReason.ToolCalls, null), "m");

        Assert.Equal("{}", json["content"]![0]!["input"]!.ToJsonString());
    }

    internal static ChatResponse Response(ChatMessage message, FinishReason reason, ChatUsage? usage) => new()
    {
        Id = "chatcmpl-1",
        Model = "upstream-model",
        Created = DateTimeOffset.UnixEpoch,
        Choices = [new ChatChoice(0, message, reason)],
        Usage = usage,
    };

    private static JsonNode Write(ChatResponse response, string model)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            AnthropicResponseWriter.Write(writer, response, model);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan))!;
    }
}
