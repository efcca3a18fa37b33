using System.Text;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Sse;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed class AnthropicStreamTranslatorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Translate_DocumentedTextAndToolTranscript_MatchesExpectedUpdates()
    {
        var (updates, translator) = await TranslateAsync(AnthropicFixtures.ReadText("stream_text_and_tool.sse"), jsonMode: false);

        Assert.True(translator.IsComplete);
        Assert.All(updates, u => Assert.Equal("msg_014p7gG3wDgGV9EUtLvnow3U", u.Id));
        Assert.All(updates, u => Assert.Equal("claude-sonnet-4-5-20250929", u.Model));
        var actual = new JsonArray([.. updates.Select(u => (JsonNode)AnthropicFixtures.Normalize(u))]);
        AnthropicFixtures.AssertJsonEqual(AnthropicFixtures.ReadJson("stream_text_and_tool.expected.json"), actual);
    }

    [Fact]
    public async Task Translate_JsonModeTool_BecomesTextAndStop()
    {
        const string Sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json_response","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}

            event: message_stop
            data: {"type":"message_stop"}


            """;

        var (updates, _) = await TranslateAsync(Sse, jsonMode: true);

        Assert.Equal("{\"a\":1}", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.DoesNotContain(updates, u => u.ToolCalls is not null);
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(5, updates[^1].Usage!.OutputTokens);
    }

    [Fact]
    public async Task Translate_UnknownEvents_IgnoredThinkingKept()
    {
        const string Sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_2","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: brand_new_event
            data: {"type":"brand_new_event","whatever":true}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}

            event: message_stop
            data: {"type":"message_stop"}


            """;

        var (updates, _) = await TranslateAsync(Sse, jsonMode: false);

        Assert.Equal("Hi", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal("hmm", string.Concat(updates.Select(u => u.ThinkingDelta)));
        Assert.Equal("abc", Assert.Single(updates, u => u.ThinkingSignature is not null).ThinkingSignature);
        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 7 }, updates[^1].Usage);
    }

    [Fact]
    public async Task Translate_DocumentedThinkingTextAndToolTranscript_MatchesExpectedUpdates()
    {
        var (updates, translator) = await TranslateAsync(AnthropicFixtures.ReadText("stream_thinking_text_tool.sse"), jsonMode: false);

        Assert.True(translator.IsComplete);
        Assert.All(updates, u => Assert.Equal("msg_01ThinkStream", u.Id));
        var actual = new JsonArray([.. updates.Select(u => (JsonNode)AnthropicFixtures.Normalize(u))]);
        AnthropicFixtures.AssertJsonEqual(AnthropicFixtures.ReadJson("stream_thinking_text_tool.expected.json"), actual);
    }

    [Fact]
    public async Task Translate_RedactedThinkingCitationsAndStopSequence_Surfaced()
    {
        const string Sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_4","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":"","citations":[]}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"The grass is green.","document_index":0,"document_title":"Facts","start_char_index":0,"end_char_index":20}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"the grass is green"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":9}}

            event: message_stop
            data: {"type":"message_stop"}


            """;

        var (updates, _) = await TranslateAsync(Sse, jsonMode: false);

        var actual = new JsonArray([.. updates.Select(u => (JsonNode)AnthropicFixtures.Normalize(u))]);
        AnthropicFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                [
                  { "role": "assistant" },
                  { "redacted": "EmwKAhgBEgy3va3pzix", "family": "anthropic" },
                  { "citations": [ { "type": "char_location", "cited_text": "The grass is green.", "document_index": 0, "document_title": "Facts", "start_char_index": 0, "end_char_index": 20 } ] },
                  { "text": "the grass is green" },
                  { "finish_reason": "stop", "stop_sequence": "END" },
                  { "usage": { "input": 3, "cached": 0, "cache_write": 0, "output": 9 } }
                ]
                """),
            actual);
    }

    [Fact]
    public async Task Translate_ErrorEvent_ThrowsMappedProviderException()
    {
        const string Sse = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_3","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """;

        var ex = await Assert.ThrowsAsync<ProviderException>(() => TranslateAsync(Sse, jsonMode: false).WaitAsync(Bound));

        Assert.Equal(529, ex.StatusCode);
        Assert.Equal("overloaded_error", ex.ErrorType);
    }

    private static async Task<(List<ChatStreamUpdate> Updates, AnthropicStreamTranslator Translator)> TranslateAsync(string sse, bool jsonMode)
    {
        var translator = new AnthropicStreamTranslator(jsonMode);
        var updates = new List<ChatStreamUpdate>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(sse));
        await using var reader = new SseReader(stream);
        while (await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Bound))
        {
            if (reader.HasData)
            {
                translator.Translate(reader.Data.Span, updates);
            }
        }

        return (updates, translator);
    }
}
