using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIStreamMapperTests
{
    [Fact]
    public async Task Parse_DocumentedTextStream_YieldsRoleTextFinishAndUsage()
    {
        var updates = new List<ChatStreamUpdate>();
        foreach (var data in await OpenAIFixtures.ReadSseDataAsync("stream_text.sse"))
        {
            OpenAIStreamMapper.Parse(data, updates);
        }

        Assert.Equal(5, updates.Count);
        Assert.All(updates, u => Assert.Equal("chatcmpl-123", u.Id));
        Assert.All(updates, u => Assert.Equal("gpt-4o-mini", u.Model));
        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal(string.Empty, updates[0].TextDelta);
        Assert.Equal("Hello", updates[1].TextDelta);
        Assert.Null(updates[1].Role);
        Assert.Equal("!", updates[2].TextDelta);
        Assert.Null(updates[3].TextDelta);
        Assert.Equal(FinishReason.Stop, updates[3].FinishReason);
        Assert.Null(updates[3].Usage);
        Assert.Equal(new ChatUsage { InputTokens = 9, OutputTokens = 2 }, updates[4].Usage);
        Assert.Null(updates[4].FinishReason);
    }

    [Fact]
    public async Task Parse_DocumentedToolCallStream_YieldsToolCallDeltas()
    {
        var updates = new List<ChatStreamUpdate>();
        foreach (var data in await OpenAIFixtures.ReadSseDataAsync("stream_tool_calls.sse"))
        {
            OpenAIStreamMapper.Parse(data, updates);
        }

        Assert.Equal(5, updates.Count);
        Assert.Null(updates[0].TextDelta);
        Assert.Equal(new ToolCallUpdate(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", string.Empty), Assert.Single(updates[0].ToolCalls!));
        Assert.Equal(new ToolCallUpdate(0, null, null, "{\"location\":"), Assert.Single(updates[1].ToolCalls!));
        Assert.Equal(new ToolCallUpdate(0, null, null, "\"Paris\"}"), Assert.Single(updates[2].ToolCalls!));
        Assert.Equal(FinishReason.ToolCalls, updates[3].FinishReason);
        Assert.Equal(
            new ChatUsage { InputTokens = 57, OutputTokens = 17, CachedInputTokens = 32, ReasoningTokens = 5 },
            updates[4].Usage);
    }

    [Fact]
    public void Parse_ChunkWithTwoChoices_YieldsOneUpdatePerChoice()
    {
        var updates = new List<ChatStreamUpdate>();

        OpenAIStreamMapper.Parse(
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null},{"index":1,"delta":{"content":"b"},"finish_reason":null}]}"""u8,
            updates);

        Assert.Equal(2, updates.Count);
        Assert.Equal((0, "a"), (updates[0].ChoiceIndex, updates[0].TextDelta));
        Assert.Equal((1, "b"), (updates[1].ChoiceIndex, updates[1].TextDelta));
    }

    [Fact]
    public void Parse_InvalidJson_ThrowsInvalidResponse502()
    {
        var ex = Assert.Throws<ProviderException>(() => OpenAIStreamMapper.Parse("{\"choices\":["u8, []));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public void Write_FirstUpdate_WritesRoleAndEmptyContent()
    {
        var update = new ChatStreamUpdate { Role = ChatRole.Assistant };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "gpt-4o", 1694268190, includeUsageField: true));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o",
                 "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],
                 "usage":null}
                """),
            actual);
    }

    [Fact]
    public void Write_ToolCallUpdate_WritesIndexIdTypeAndArguments()
    {
        var update = new ChatStreamUpdate
        {
            ChoiceIndex = 1,
            ToolCalls = [new ToolCallUpdate(0, "call_1", "lookup", null), new ToolCallUpdate(1, null, null, "{\"q\":")],
            FinishReason = FinishReason.ToolCalls,
        };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "gpt-4o", 5, includeUsageField: false));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":5,"model":"gpt-4o",
                 "choices":[{"index":1,"delta":{"tool_calls":[
                   {"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}},
                   {"index":1,"function":{"arguments":"{\"q\":"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}]}
                """),
            actual);
    }

    [Fact]
    public void Write_ThinkingDelta_WritesReasoningContent()
    {
        var update = new ChatStreamUpdate { ThinkingDelta = "Let me think" };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "claude", 5, includeUsageField: false));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":5,"model":"claude",
                 "choices":[{"index":0,"delta":{"reasoning_content":"Let me think"},"logprobs":null,"finish_reason":null}]}
                """),
            actual);
    }

    [Fact]
    public void Write_ClaudeSignatureAndRedactedThinking_WriteThinkingBlocks()
    {
        var signature = new ChatStreamUpdate { ThinkingSignature = "EqQBCgIYAhIM", SignatureFamily = SignatureFamilies.Anthropic };
        var redacted = new ChatStreamUpdate { RedactedThinking = "EmwKAhgB", SignatureFamily = SignatureFamilies.Anthropic };

        var signed = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, signature, "chatcmpl-1", "claude", 5, includeUsageField: false));
        var hidden = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, redacted, "chatcmpl-1", "claude", 5, includeUsageField: false));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"thinking_blocks":[{"type":"thinking","thinking":"","signature":"EqQBCgIYAhIM"}]}"""),
            signed["choices"]![0]!["delta"]);
        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"thinking_blocks":[{"type":"redacted_thinking","data":"EmwKAhgB"}]}"""),
            hidden["choices"]![0]!["delta"]);
    }

    [Fact]
    public void Write_GeminiThinkingSignature_NotWrittenAsAClaudeBlock()
    {
        var update = new ChatStreamUpdate { ThinkingSignature = "gem", SignatureFamily = SignatureFamilies.Gemini };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "gemini", 5, includeUsageField: false));

        OpenAIFixtures.AssertJsonEqual(JsonNode.Parse("{}"), actual["choices"]![0]!["delta"]);
    }

    [Fact]
    public void Write_ToolCallWithGeminiSignature_EncodesItInTheId()
    {
        var update = new ChatStreamUpdate
        {
            ToolCalls = [new ToolCallUpdate(0, "call_1", "lookup", "{}") { Signature = "CiIB+/=", SignatureFamily = SignatureFamilies.Gemini }],
        };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "gemini", 5, includeUsageField: false));

        Assert.Equal("call_1__thought__CiIB+/=", (string?)actual["choices"]![0]!["delta"]!["tool_calls"]![0]!["id"]);
    }

    [Fact]
    public void Parse_UpstreamReasoningContentDelta_BecomesThinkingDelta()
    {
        var updates = new List<ChatStreamUpdate>();

        OpenAIStreamMapper.Parse(
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Hmm"},"finish_reason":null}]}"""u8,
            updates);

        Assert.Equal("Hmm", Assert.Single(updates).ThinkingDelta);
        Assert.Null(updates[0].TextDelta);
    }

    [Fact]
    public void Parse_UpstreamReasoningDelta_BecomesThinkingDelta()
    {
        var updates = new List<ChatStreamUpdate>();

        OpenAIStreamMapper.Parse(
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning":"Hmm"},"finish_reason":null}]}"""u8,
            updates);

        Assert.Equal("Hmm", Assert.Single(updates).ThinkingDelta);
    }

    [Fact]
    public void Write_UsageUpdate_WritesEmptyChoicesAndUsage()
    {
        var update = new ChatStreamUpdate { Usage = new ChatUsage { InputTokens = 9, OutputTokens = 2, CachedInputTokens = 1, ReasoningTokens = 0 } };

        var actual = OpenAIFixtures.Write(w => OpenAIStreamMapper.Write(w, update, "chatcmpl-1", "gpt-4o", 5, includeUsageField: true));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[],
                 "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
                          "prompt_tokens_details":{"cached_tokens":1},"completion_tokens_details":{"reasoning_tokens":0}}}
                """),
            actual);
    }
}
