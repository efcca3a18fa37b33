using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Mistral;
using Tollgate.Providers.Tests.Testing;

namespace Tollgate.Providers.Tests.Mistral;

public sealed class MistralMapperTests
{
    private const string Fixtures = "mistral";

    [Fact]
    public void WriteRequest_FullRequest_MatchesGoldenFixture()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"summary":{"type":"string"}}}""").RootElement;
        var parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;
        var request = new ChatRequest
        {
            Model = "mistral-large-latest",
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "You are terse."),
                new ChatMessage(ChatRole.User, [new TextPart("What is in this image, and what is the weather in Paris?"), new ImagePart("https://example.com/cat.png")]),
                new ChatMessage(ChatRole.Assistant, [])
                {
                    ToolCalls = [new ToolCall("call_abc123", "get_weather", """{"city":"Paris"}"""), new ToolCall("Xy12345ab", "get_weather", """{"city":"Lyon"}""")],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("sunny")]) { ToolCallId = "call_abc123", Name = "get_weather" },
                new ChatMessage(ChatRole.Tool, [new TextPart("rainy")]) { ToolCallId = "Xy12345ab" },
                new ChatMessage(ChatRole.Assistant, [new ThinkingPart("Both cities answered."), new TextPart("Paris is sunny.")]),
                new ChatMessage(ChatRole.User, [new TextPart("Summarise this report."), new DocumentPart { Url = "https://example.com/report.pdf", FileName = "report.pdf" }]),
            ],
            Temperature = 0.2,
            TopP = 0.9,
            MaxTokens = 256,
            Stop = ["END"],
            Seed = 42,
            N = 2,
            PresencePenalty = 0.1,
            FrequencyPenalty = 0.3,
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "weather", schema, Strict: true),
            Tools = [new ToolDefinition("get_weather", "The weather in a city.", parameters)],
            ToolChoice = new ToolChoice(ToolChoiceMode.Required),
            ParallelToolCalls = true,
            Reasoning = new ReasoningOptions(),
            AdditionalProperties = new JsonObject { ["prediction"] = new JsonObject { ["type"] = "content", ["content"] = "Paris is" }, ["store"] = false },
        };

        var written = ProviderFixtures.Write(w => MistralMapper.WriteRequest(w, request, stream: false, "mistral"));

        ProviderFixtures.AssertJsonEqual(ProviderFixtures.ReadJson(Fixtures, "request_full.json"), written);
    }

    [Theory]
    [InlineData("call_abc123", "zaj37u8iO")]
    [InlineData("toolu_01A09q90qw90lq917835lq9", "Jbs7X80PF")]
    [InlineData("D681PevKs", "D681PevKs")]
    public void ToMistral_ForeignIds_MapDeterministicallyAndValidOnesPass(string id, string expected)
    {
        Assert.Equal(expected, MistralToolCallIds.ToMistral(id));
        Assert.True(MistralToolCallIds.IsValid(MistralToolCallIds.ToMistral(id)));
    }

    [Fact]
    public void WriteRequest_UnknownField_RefusedNamingIt()
    {
        var request = Simple();
        request.AdditionalProperties = new JsonObject { ["logit_bias"] = new JsonObject { ["50256"] = -100 } };

        var ex = Assert.Throws<ProviderException>(() => ProviderFixtures.Write(w => MistralMapper.WriteRequest(w, request, stream: false, "mistral")));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("logit_bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'mistral'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRequest_ImageDetail_SentInImageUrlObject()
    {
        var request = Simple();
        request.Messages.Add(new ChatMessage(ChatRole.User, [new TextPart("see"), new ImagePart("https://example.com/a.png", "high")]));

        var written = ProviderFixtures.Write(w => MistralMapper.WriteRequest(w, request, stream: false, "mistral"));

        ProviderFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"high"}}"""), written["messages"]![1]!["content"]![1]);
    }

    [Fact]
    public void WriteRequest_InlineDocument_Refused()
    {
        var request = Simple();
        request.Messages.Add(new ChatMessage(ChatRole.User, [new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0=" }]));

        var ex = Assert.Throws<ProviderException>(() => ProviderFixtures.Write(w => MistralMapper.WriteRequest(w, request, stream: false, "mistral")));

        Assert.Equal("unsupported_feature", ex.ErrorCode);
        Assert.Contains("document_url", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResponse_ThinkingChunks_BecomeThinkingPartAndText()
    {
        var response = MistralMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_thinking.json"), TimeProvider.System);

        var message = Assert.Single(response.Choices).Message;
        var thinking = Assert.IsType<ThinkingPart>(message.Parts[0]);
        Assert.Equal("The user asks for 2+2. That is 4.", thinking.Text);
        Assert.Null(thinking.Signature);
        Assert.Equal("2 + 2 = 4.", message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1702256327), response.Created);
        Assert.Equal("magistral-medium-latest", response.Model);
    }

    [Fact]
    public void ParseResponse_Usage_PromptAndCompletionTokensAsTheyAre()
    {
        var response = MistralMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_thinking.json"), TimeProvider.System);

        Assert.Equal(new ChatUsage { InputTokens = 16, OutputTokens = 34 }, response.Usage);
    }

    [Fact]
    public void ParseResponse_ToolCalls_StringAndObjectArguments()
    {
        var response = MistralMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_tool_calls.json"), TimeProvider.System);

        var choice = Assert.Single(response.Choices);
        Assert.Equal(FinishReason.ToolCalls, choice.FinishReason);
        Assert.Empty(choice.Message.Parts);
        Assert.Equal(new ToolCall("D681PevKs", "get_weather", """{"city": "Paris"}"""), choice.Message.ToolCalls![0]);
        Assert.Equal("Lyon", JsonNode.Parse(choice.Message.ToolCalls[1].ArgumentsJson)!["city"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("model_length", FinishReason.Length)]
    [InlineData("length", FinishReason.Length)]
    [InlineData("tool_calls", FinishReason.ToolCalls)]
    [InlineData("stop", FinishReason.Stop)]
    public void ParseFinishReason_MistralValues_Map(string wire, FinishReason expected) =>
        Assert.Equal(expected, MistralMapper.ParseFinishReason(wire));

    [Fact]
    public void ParseFinishReason_Error_Throws502()
    {
        var ex = Assert.Throws<ProviderException>(() => MistralMapper.ParseFinishReason("error"));

        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task ParseChunk_StreamFixture_ThinkingTextToolCallFinishAndUsage()
    {
        var updates = new List<ChatStreamUpdate>();
        foreach (var data in await ProviderFixtures.ReadSseDataAsync(Fixtures, "stream_text_and_tool.sse"))
        {
            MistralMapper.ParseChunk(data, updates);
        }

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal("Checking.", string.Concat(updates.Select(u => u.ThinkingDelta)));
        Assert.Equal("Let me check.", ProviderFixtures.Text(updates));
        var call = Assert.Single(updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!));
        Assert.Equal(new ToolCallUpdate(0, "D681PevKs", "get_weather", """{"city": "Paris"}"""), call);
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 75, OutputTokens = 25 }, updates.Single(u => u.Usage is not null).Usage);
    }

    [Fact]
    public void ErrorMapper_RateLimited_BecomesRateLimitErrorWithRetryAfter()
    {
        var body = ProviderFixtures.ReadJson(Fixtures, "errors.json")["rate_limited"]!.ToJsonString();

        var ex = MistralErrorMapper.ToException(429, System.Text.Encoding.UTF8.GetBytes(body), [new("retry-after", "4")], TimeProvider.System);

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal("1300", ex.ErrorCode);
        Assert.Equal("Rate limit exceeded", ex.Message);
        Assert.Equal(TimeSpan.FromSeconds(4), ex.RetryAfter);
    }

    [Fact]
    public void ErrorMapper_ValidationObject_NamesTheField()
    {
        var body = ProviderFixtures.ReadJson(Fixtures, "errors.json")["validation"]!.ToJsonString();

        var ex = MistralErrorMapper.ToException(422, System.Text.Encoding.UTF8.GetBytes(body), [], TimeProvider.System);

        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("body.max_completion_tokens: Extra inputs are not permitted", ex.Message);
    }

    [Fact]
    public void ErrorMapper_BareMessage_KeepsItWithStatusType()
    {
        var body = ProviderFixtures.ReadJson(Fixtures, "errors.json")["gateway"]!.ToJsonString();

        var ex = MistralErrorMapper.ToException(429, System.Text.Encoding.UTF8.GetBytes(body), [], TimeProvider.System);

        Assert.Equal("Requests rate limit exceeded", ex.Message);
        Assert.Equal("rate_limit_error", ex.ErrorType);
    }

    private static ChatRequest Simple() => new() { Model = "mistral-small-latest", Messages = [ChatMessage.FromText(ChatRole.User, "hi")] };
}
