using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIResponseMapperTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Parse_TextCompletion_MapsMessageUsageAndFingerprint()
    {
        var response = OpenAIResponseMapper.Parse(OpenAIFixtures.ReadBytes("response_text.json"), new FakeTimeProvider(Now));

        Assert.Equal("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", response.Id);
        Assert.Equal("gpt-4.1-2025-04-14", response.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1741569952), response.Created);
        Assert.Equal("fp_50cad350e4", response.SystemFingerprint);
        var choice = Assert.Single(response.Choices);
        Assert.Equal(0, choice.Index);
        Assert.Equal(ChatRole.Assistant, choice.Message.Role);
        Assert.Equal("Hello! How can I assist you today?", choice.Message.GetText());
        Assert.Null(choice.Message.Refusal);
        Assert.Null(choice.Message.ToolCalls);
        Assert.Equal(FinishReason.Stop, choice.FinishReason);
        Assert.Equal(
            new ChatUsage { InputTokens = 19, OutputTokens = 10, CachedInputTokens = 4, ReasoningTokens = 3 },
            response.Usage);
    }

    [Fact]
    public void Parse_ToolCallCompletion_MapsToolCallsAndNullContent()
    {
        var response = OpenAIResponseMapper.Parse(OpenAIFixtures.ReadBytes("response_tool_calls.json"), new FakeTimeProvider(Now));

        var choice = Assert.Single(response.Choices);
        Assert.Empty(choice.Message.Parts);
        Assert.Equal(FinishReason.ToolCalls, choice.FinishReason);
        var call = Assert.Single(choice.Message.ToolCalls!);
        Assert.Equal(new ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"), call);
        Assert.Equal(new ChatUsage { InputTokens = 82, OutputTokens = 17 }, response.Usage);
    }

    [Fact]
    public void Parse_NoCreated_UsesTimeProvider()
    {
        var response = OpenAIResponseMapper.Parse("""{"id":"x","model":"m","choices":[]}"""u8, new FakeTimeProvider(Now));

        Assert.Equal(Now, response.Created);
        Assert.Empty(response.Choices);
        Assert.Null(response.Usage);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"function":{"name":"f"}}]}}]}""")]
    public void Parse_InvalidBody_ThrowsInvalidResponse502(string body)
    {
        var ex = Assert.Throws<ProviderException>(() => OpenAIResponseMapper.Parse(OpenAIFixtures.Utf8(body), new FakeTimeProvider(Now)));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Theory]
    [InlineData("\"stop\"", FinishReason.Stop)]
    [InlineData("\"length\"", FinishReason.Length)]
    [InlineData("\"tool_calls\"", FinishReason.ToolCalls)]
    [InlineData("\"function_call\"", FinishReason.ToolCalls)]
    [InlineData("\"content_filter\"", FinishReason.ContentFilter)]
    [InlineData("\"eos\"", FinishReason.Stop)]
    [InlineData("null", null)]
    public void ParseFinishReason_WireValue_MapsToCanonical(string json, FinishReason? expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, OpenAIResponseMapper.ParseFinishReason(document.RootElement));
    }

    [Fact]
    public void Write_CanonicalResponse_MatchesGoldenJson()
    {
        var response = new ChatResponse
        {
            Id = "chatcmpl-tollgate-1",
            Model = "gpt-4o",
            Created = Now,
            Choices =
            [
                new ChatChoice(0, ChatMessage.FromText(ChatRole.Assistant, "Paris."), FinishReason.Stop),
                new ChatChoice(
                    1,
                    new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("call_1", "lookup", """{"q":"Paris"}""")] },
                    FinishReason.ToolCalls),
            ],
            Usage = new ChatUsage { InputTokens = 120, CachedInputTokens = 100, OutputTokens = 30, ReasoningTokens = 12 },
            SystemFingerprint = "fp_44709d6fcb",
        };

        var actual = OpenAIFixtures.Write(w => OpenAIResponseMapper.Write(w, response));

        OpenAIFixtures.AssertJsonEqual(OpenAIFixtures.ReadJson("response_written.json"), actual);
    }

    [Fact]
    public void Write_ReasoningCitationsAndGeminiSignatures_MatchesGoldenJson()
    {
        using var citations = JsonDocument.Parse("""[{"type":"char_location","cited_text":"The grass is green.","document_index":0,"start_char_index":0,"end_char_index":20}]""");
        var response = new ChatResponse
        {
            Id = "chatcmpl-tollgate-2",
            Model = "claude-sonnet-4-5",
            Created = Now,
            Choices =
            [
                new ChatChoice(
                    0,
                    new ChatMessage(ChatRole.Assistant,
                    [
                        new ThinkingPart("Let me think.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...") { SignatureFamily = SignatureFamilies.Anthropic },
                        new RedactedThinkingPart("EmwKAhgBEgy3va3pzix") { SignatureFamily = SignatureFamilies.Anthropic },
                        new ThinkingPart("Gemini's thought.", "gem-sig") { SignatureFamily = SignatureFamilies.Gemini },
                        new ThinkingPart("More.", "WaUjzkypQ2mUEVM36O2Txu") { SignatureFamily = SignatureFamilies.Anthropic },
                        new TextPart("The grass is green.") { Citations = citations.RootElement.Clone() },
                    ])
                    {
                        ToolCalls =
                        [
                            new ToolCall("call_1", "lookup", """{"q":"grass"}""") { Signature = "CiIBVKhc7oDXpNbKeVqQ4fNoV1pv+Ar/9w==", SignatureFamily = SignatureFamilies.Gemini },
                            new ToolCall("toolu_2", "lookup", "{}"),
                        ],
                    },
                    FinishReason.ToolCalls)
                {
                    StopSequence = "END",
                },
            ],
            Usage = new ChatUsage { InputTokens = 50, OutputTokens = 20 },
        };

        var actual = OpenAIFixtures.Write(w => OpenAIResponseMapper.Write(w, response));

        OpenAIFixtures.AssertJsonEqual(OpenAIFixtures.ReadJson("response_reasoning_written.json"), actual);
    }

    [Fact]
    public void WriteThenParseRequest_AnswerSentBackNextTurn_KeepsSignaturesAndFamilies()
    {
        var answer = new ChatMessage(ChatRole.Assistant,
        [
            new ThinkingPart("Reasoning.", "sig-claude") { SignatureFamily = SignatureFamilies.Anthropic },
            new RedactedThinkingPart("enc") { SignatureFamily = SignatureFamilies.Anthropic },
            new TextPart("Calling."),
        ])
        {
            ToolCalls = [new ToolCall("call_7", "f", """{"a":1}""") { Signature = "c2lnbmF0dXJl+/=", SignatureFamily = SignatureFamilies.Gemini }],
        };
        var written = OpenAIFixtures.Write(w => OpenAIResponseMapper.Write(w, new ChatResponse { Id = "x", Model = "m", Created = Now, Choices = [new ChatChoice(0, answer, FinishReason.ToolCalls)] }));
        var message = written["choices"]![0]!["message"]!.AsObject();
        var callId = (string)message["tool_calls"]![0]!["id"]!;
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["model"] = "m",
            ["messages"] = new System.Text.Json.Nodes.JsonArray(
                System.Text.Json.Nodes.JsonNode.Parse("""{"role":"user","content":"go"}"""),
                message.DeepClone(),
                new System.Text.Json.Nodes.JsonObject { ["role"] = "tool", ["tool_call_id"] = callId, ["content"] = "done" }),
        };

        var next = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(body.ToJsonString()));

        Assert.Equal(answer.Parts, next.Messages[1].Parts);
        Assert.Equal(answer.ToolCalls[0], next.Messages[1].ToolCalls![0]);
        Assert.Equal("call_7", next.Messages[2].ToolCallId);
    }

    [Fact]
    public void Parse_UpstreamReasoningContent_BecomesUnsignedThinkingBeforeText()
    {
        var response = OpenAIResponseMapper.Parse(
            """{"id":"c","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"Hmm.","content":"Hi."},"finish_reason":"stop"}]}"""u8,
            new FakeTimeProvider(Now));

        Assert.Equal(new ContentPart[] { new ThinkingPart("Hmm."), new TextPart("Hi.") }, response.Choices[0].Message.Parts);
        Assert.Equal("Hi.", response.Choices[0].Message.GetText());
    }

    [Fact]
    public void Parse_UpstreamReasoningField_BecomesUnsignedThinkingBeforeText()
    {
        // Groq, Together and OpenRouter name the field "reasoning".
        var response = OpenAIResponseMapper.Parse(
            """{"id":"c","model":"openai/gpt-oss-120b","choices":[{"index":0,"message":{"role":"assistant","reasoning":"Check units.","content":"42 km."},"finish_reason":"stop"}]}"""u8,
            new FakeTimeProvider(Now));

        Assert.Equal(new ContentPart[] { new ThinkingPart("Check units."), new TextPart("42 km.") }, response.Choices[0].Message.Parts);
    }

    [Fact]
    public void ParseThenWrite_DocumentedCompletion_KeepsTheFieldsClientsRead()
    {
        var response = OpenAIResponseMapper.Parse(OpenAIFixtures.ReadBytes("response_text.json"), new FakeTimeProvider(Now));

        var written = OpenAIFixtures.Write(w => OpenAIResponseMapper.Write(w, response));

        Assert.Equal("chat.completion", (string?)written["object"]);
        Assert.Equal(1741569952L, (long)written["created"]!);
        Assert.Equal("Hello! How can I assist you today?", (string?)written["choices"]![0]!["message"]!["content"]);
        Assert.Equal(29L, (long)written["usage"]!["total_tokens"]!);
        Assert.Equal(4L, (long)written["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(3L, (long)written["usage"]!["completion_tokens_details"]!["reasoning_tokens"]!);
    }
}
