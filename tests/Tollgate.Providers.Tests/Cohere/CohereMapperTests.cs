using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Cohere;
using Tollgate.Providers.Tests.Testing;

namespace Tollgate.Providers.Tests.Cohere;

public sealed class CohereMapperTests
{
    private const string Fixtures = "cohere";

    [Fact]
    public void WriteRequest_FullRequest_MatchesGoldenFixture()
    {
        var parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}}}""").RootElement;
        var request = new ChatRequest
        {
            Model = "command-a-03-2025",
            Messages =
            [
                ChatMessage.FromText(ChatRole.Developer, "You are terse."),
                new ChatMessage(ChatRole.User, [new TextPart("What is in this image?"), new ImagePart("data:image/png;base64,iVBORw0KGgo=", "low")]),
                new ChatMessage(ChatRole.User, [new TextPart("Use the handbook."), new DocumentPart { Title = "Handbook", Text = "Employees get 20 days of leave." }]),
                new ChatMessage(ChatRole.Assistant, [new TextPart("I will look up the weather.")])
                {
                    ToolCalls = [new ToolCall("get_weather_1byjy32y4hvq", "get_weather", """{"city":"Toronto"}""")],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("""{"temperature":20}""")]) { ToolCallId = "get_weather_1byjy32y4hvq" },
                new ChatMessage(ChatRole.Assistant, [new ThinkingPart("Twenty it is."), new TextPart("It is 20 degrees.")]),
            ],
            Tools = [new ToolDefinition("get_weather", "The weather in a city.", parameters, Strict: true)],
            ToolChoice = new ToolChoice(ToolChoiceMode.Required),
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "answer", schema),
            MaxTokens = 300,
            Stop = ["END"],
            Temperature = 0.3,
            Seed = 7,
            FrequencyPenalty = 0.2,
            PresencePenalty = 0.1,
            TopK = 40,
            TopP = 0.75,
            Reasoning = new ReasoningOptions { BudgetTokens = 2048 },
        };

        var written = ProviderFixtures.Write(w => CohereMapper.WriteRequest(w, request, stream: false, "cohere"));

        ProviderFixtures.AssertJsonEqual(ProviderFixtures.ReadJson(Fixtures, "request_full.json"), written);
    }

    [Fact]
    public void WriteRequest_ReasoningDisabled_SendsDisabledWithoutBudget()
    {
        var request = Simple();
        request.Reasoning = new ReasoningOptions { Enabled = false, BudgetTokens = 100 };

        var written = ProviderFixtures.Write(w => CohereMapper.WriteRequest(w, request, stream: true, "cohere"));

        ProviderFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"disabled"}"""), written["thinking"]);
        Assert.True(written["stream"]!.GetValue<bool>());
    }

    [Fact]
    public void WriteRequest_NamedToolChoice_Refused()
    {
        var request = Simple();
        request.Tools = [new ToolDefinition("a", null, null)];
        request.ToolChoice = new ToolChoice(ToolChoiceMode.Function, "a");

        var ex = Assert.Throws<ProviderException>(() => ProviderFixtures.Write(w => CohereMapper.WriteRequest(w, request, stream: false, "co")));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("'co'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteRequest_PdfDocument_Refused()
    {
        var request = Simple();
        request.Messages.Add(new ChatMessage(ChatRole.User, [new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0=" }]));

        var ex = Assert.Throws<ProviderException>(() => ProviderFixtures.Write(w => CohereMapper.WriteRequest(w, request, stream: false, "co")));

        Assert.Equal("unsupported_feature", ex.ErrorCode);
    }

    [Fact]
    public void ParseResponse_ToolCall_PlanBecomesTextAndCallsMap()
    {
        var response = CohereMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_tool_call.json"), "command-a-03-2025", TimeProvider.System);

        var choice = Assert.Single(response.Choices);
        Assert.Equal(FinishReason.ToolCalls, choice.FinishReason);
        Assert.Equal("I will use the subtract tool to find the difference between 2 and 5.", choice.Message.GetText());
        Assert.Equal(new ToolCall("subtract_sm6ps6fb6y9f", "subtract", """{"x":5,"y":2}"""), Assert.Single(choice.Message.ToolCalls!));
        Assert.Equal("d007e969-af58-4da4-beb1-c30454c3b75f", response.Id);
        Assert.Equal("command-a-03-2025", response.Model);
    }

    [Fact]
    public void ParseResponse_Usage_IsBilledUnitsNotTemplateTokens()
    {
        var response = CohereMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_tool_call.json"), "m", TimeProvider.System);

        Assert.Equal(new ChatUsage { InputTokens = 78, OutputTokens = 27 }, response.Usage);
    }

    [Fact]
    public void ReadUsage_NoBilledUnits_FallsBackToTokens()
    {
        var usage = CohereMapper.ReadUsage(JsonDocument.Parse("""{"tokens":{"input_tokens":12,"output_tokens":3}}""").RootElement);

        Assert.Equal(new ChatUsage { InputTokens = 12, OutputTokens = 3 }, usage);
    }

    [Fact]
    public void ParseResponse_Reasoning_ThinkingPartThenText()
    {
        var response = CohereMapper.ParseResponse(ProviderFixtures.ReadBytes(Fixtures, "response_reasoning.json"), "command-a-reasoning-08-2025", TimeProvider.System);

        var message = response.Choices[0].Message;
        Assert.Equal("Alice's brothers have Alice plus her 2 sisters.", Assert.IsType<ThinkingPart>(message.Parts[0]).Text);
        Assert.Equal("Each brother has 3 sisters.", message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
    }

    [Theory]
    [InlineData("COMPLETE", FinishReason.Stop)]
    [InlineData("STOP_SEQUENCE", FinishReason.Stop)]
    [InlineData("MAX_TOKENS", FinishReason.Length)]
    [InlineData("TOOL_CALL", FinishReason.ToolCalls)]
    public void ParseFinishReason_CohereValues_Map(string wire, FinishReason expected) => Assert.Equal(expected, CohereMapper.ParseFinishReason(wire));

    [Theory]
    [InlineData("ERROR", 502)]
    [InlineData("TIMEOUT", 504)]
    public void ParseFinishReason_Failures_Throw(string wire, int status) =>
        Assert.Equal(status, Assert.Throws<ProviderException>(() => CohereMapper.ParseFinishReason(wire)).StatusCode);

    [Fact]
    public async Task Translate_ToolCallStream_PlanTextCallPiecesFinishUsage()
    {
        var translator = new CohereStreamTranslator();
        var updates = new List<ChatStreamUpdate>();
        foreach (var data in await ProviderFixtures.ReadSseDataAsync(Fixtures, "stream_tool_call.sse"))
        {
            translator.Translate(data, updates);
        }

        Assert.True(translator.IsComplete);
        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal("I will check.", ProviderFixtures.Text(updates));
        var calls = updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!).ToList();
        Assert.Equal(new ToolCallUpdate(0, "get_weather_nsz5zm3w56q3", "get_weather", string.Empty), calls[0]);
        Assert.Equal("""{"location":"Toronto"}""", string.Concat(calls.Select(c => c.ArgumentsDelta)));
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 37, OutputTokens = 28 }, updates.Single(u => u.Usage is not null).Usage);
    }

    [Fact]
    public async Task Translate_ReasoningStream_ThinkingThenTextCitationsIgnored()
    {
        var translator = new CohereStreamTranslator();
        var updates = new List<ChatStreamUpdate>();
        foreach (var data in await ProviderFixtures.ReadSseDataAsync(Fixtures, "stream_reasoning.sse"))
        {
            translator.Translate(data, updates);
        }

        Assert.Equal("Count the sisters.", string.Concat(updates.Select(u => u.ThinkingDelta)));
        Assert.Equal("Three sisters.", ProviderFixtures.Text(updates));
        Assert.Equal(FinishReason.Length, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public void ErrorMapper_TooManyRequests_RateLimitWithRetryAfter()
    {
        var ex = CohereErrorMapper.ToException(429, Encoding.UTF8.GetBytes("""{"id":"x","message":"You are using a Trial key"}"""), [new("retry-after", "5")], TimeProvider.System);

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal("You are using a Trial key", ex.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.RetryAfter);
    }

    [Fact]
    public void ErrorMapper_InvalidToken498_Becomes401()
    {
        var ex = CohereErrorMapper.ToException(498, Encoding.UTF8.GetBytes("""{"message":"invalid api token"}"""), [], TimeProvider.System);

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("authentication_error", ex.ErrorType);
    }

    private static ChatRequest Simple() => new() { Model = "command-r", Messages = [ChatMessage.FromText(ChatRole.User, "hi")] };
}
