using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Gemini;

namespace Tollgate.Providers.Tests.Gemini;

public sealed class GeminiMapperTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static ChatRequest FullRequest() => new()
    {
        Model = "gemini-2.5-flash",
        Messages =
        [
            ChatMessage.FromText(ChatRole.System, "You are terse."),
            ChatMessage.FromText(ChatRole.Developer, "Answer in French."),
            new ChatMessage(ChatRole.User,
            [
                new TextPart("What is in this image, and what is the weather in Paris?"),
                new ImagePart("data:image/png;base64,iVBORw0KGgo="),
                new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQ=", Title = "Forecast" },
                new ImagePart("https://example.com/photo.jpg"),
            ]),
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart("I need the weather and the time.", "c2lnLXRob3VnaHQ=") { SignatureFamily = SignatureFamilies.Gemini }])
            {
                ToolCalls =
                [
                    new ToolCall("call_0123456789abcdef01234567", "get_weather", """{"city":"Paris"}""") { Signature = "c2lnLWNhbGwtMQ==", SignatureFamily = SignatureFamilies.Gemini },
                    new ToolCall("fc-2", "get_time", string.Empty),
                ],
            },
            new ChatMessage(ChatRole.Tool, [new TextPart("18C and sunny")]) { ToolCallId = "call_0123456789abcdef01234567" },
            new ChatMessage(ChatRole.Tool, [new TextPart("clock unavailable")]) { ToolCallId = "fc-2", IsError = true },
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart(string.Empty, "c2lnLXRleHQ=") { SignatureFamily = SignatureFamilies.Gemini }, new TextPart("It is 18C.")]),
            ChatMessage.FromText(ChatRole.User, "Thanks. Reply as JSON."),
        ],
        Tools =
        [
            new ToolDefinition("get_weather", "The weather in a city.", Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""")),
            new ToolDefinition("get_time", "The current time.", null),
        ],
        ToolChoice = new ToolChoice(ToolChoiceMode.Function, "get_weather"),
        ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "answer", Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""")),
        Temperature = 0.5,
        TopP = 0.9,
        TopK = 40,
        MaxTokens = 256,
        Stop = ["END"],
        Seed = 42,
        N = 2,
        PresencePenalty = 0.1,
        FrequencyPenalty = 0.2,
        Logprobs = true,
        TopLogprobs = 3,
        Reasoning = new ReasoningOptions { Effort = "medium" },
    };

    [Fact]
    public void ToWire_FullRequest_MatchesGoldenFile()
    {
        var wire = GeminiMapper.ToWire(FullRequest(), "google", vertex: false);

        var json = JsonSerializer.SerializeToNode(wire, GeminiJsonContext.Default.GeminiGenerateContentRequest);
        GeminiFixtures.AssertJsonEqual(GeminiFixtures.ReadJson("request_full.upstream.json"), json);
    }

    [Theory]
    [InlineData("gemini-2.5-pro", null, "high", 24576, null)]
    [InlineData("gemini-2.5-flash", 3000, null, 3000, null)]
    [InlineData("gemini-3-pro-preview", null, "low", null, "low")]
    [InlineData("gemini-3.1-pro", 20000, null, null, "high")]
    [InlineData("models/gemini-3-flash", 1000, null, null, "minimal")]
    public void ToWire_Reasoning_BudgetOnGemini25LevelOnGemini3(string model, int? budget, string? effort, int? expectedBudget, string? expectedLevel)
    {
        var request = Simple(model);
        request.Reasoning = new ReasoningOptions { BudgetTokens = budget, Effort = effort };

        var thinking = GeminiMapper.ToWire(request, "google", vertex: false).GenerationConfig!.ThinkingConfig!;

        Assert.True(thinking.IncludeThoughts);
        Assert.Equal(expectedBudget, thinking.ThinkingBudget);
        Assert.Equal(expectedLevel, thinking.ThinkingLevel);
    }

    [Fact]
    public void ToWire_ReasoningDisabled_BudgetZeroWithoutThoughts()
    {
        var request = Simple("gemini-2.5-flash");
        request.Reasoning = new ReasoningOptions { Enabled = false };

        var thinking = GeminiMapper.ToWire(request, "google", vertex: false).GenerationConfig!.ThinkingConfig!;

        Assert.Equal(0, thinking.ThinkingBudget);
        Assert.Null(thinking.IncludeThoughts);
    }

    [Fact]
    public void ToWire_ToolChoiceModes_MapToFunctionCallingConfig()
    {
        var request = Simple("gemini-2.5-flash");
        request.Tools = [new ToolDefinition("f", null, null)];
        string? Mode(ToolChoiceMode mode)
        {
            request.ToolChoice = new ToolChoice(mode);
            return GeminiMapper.ToWire(request, "google", vertex: false).ToolConfig?.FunctionCallingConfig.Mode;
        }

        Assert.Equal("AUTO", Mode(ToolChoiceMode.Auto));
        Assert.Equal("ANY", Mode(ToolChoiceMode.Required));
        Assert.Equal("NONE", Mode(ToolChoiceMode.None));
    }

    [Fact]
    public void ToWire_ToolResultForUnknownCall_Refuses400()
    {
        var request = Simple("gemini-2.5-flash");
        request.Messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("42")]) { ToolCallId = "call_nowhere" });

        var ex = Assert.Throws<ProviderException>(() => GeminiMapper.ToWire(request, "google", vertex: false));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("call_nowhere", ex.Message, StringComparison.Ordinal);
        Assert.Contains("google", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWire_CloudStorageUrl_OnlyOnVertex()
    {
        var request = new ChatRequest
        {
            Model = "gemini-2.5-flash",
            Messages = [new ChatMessage(ChatRole.User, [new DocumentPart { MediaType = "application/pdf", Url = "gs://bucket/report.pdf" }])],
        };

        var vertex = GeminiMapper.ToWire(request, "gcp", vertex: true);
        var ex = Assert.Throws<ProviderException>(() => GeminiMapper.ToWire(request, "google", vertex: false));

        Assert.Equal("gs://bucket/report.pdf", vertex.Contents[0].Parts![0].FileData!.FileUri);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("unsupported_feature", ex.ErrorCode);
    }

    [Fact]
    public void ToWire_ImageUrlWithoutKnownExtension_Refuses400()
    {
        var request = new ChatRequest { Model = "gemini-2.5-flash", Messages = [new ChatMessage(ChatRole.User, [new ImagePart("https://example.com/picture")])] };

        var ex = Assert.Throws<ProviderException>(() => GeminiMapper.ToWire(request, "google", vertex: false));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("data: URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWire_SeedBeyond32Bits_Refuses400()
    {
        var request = Simple("gemini-2.5-flash");
        request.Seed = 1L << 40;

        Assert.Equal(400, Assert.Throws<ProviderException>(() => GeminiMapper.ToWire(request, "google", vertex: false)).StatusCode);
    }

    [Fact]
    public void FromWire_ThinkingAndToolCalls_KeepsSignaturesInOrder()
    {
        var wire = JsonSerializer.Deserialize(GeminiFixtures.ReadText("response_thinking_tools.json"), GeminiJsonContext.Default.GeminiGenerateContentResponse)!;

        var response = GeminiMapper.FromWire(wire, "requested", Created);

        var choice = Assert.Single(response.Choices);
        Assert.Equal("resp-abc", response.Id);
        Assert.Equal("gemini-2.5-flash", response.Model);
        Assert.Equal(FinishReason.ToolCalls, choice.FinishReason);
        Assert.Collection(
            choice.Message.Parts,
            p => Assert.Equal(new ThinkingPart("The user wants the weather."), p),
            p => Assert.Equal(new ThinkingPart(string.Empty, "c2lnLXRleHQ=") { SignatureFamily = SignatureFamilies.Gemini }, p),
            p => Assert.Equal(new TextPart("Let me check."), p));
        var calls = choice.Message.ToolCalls!;
        Assert.Equal(2, calls.Count);
        Assert.Equal(GeminiMapper.ToolCallId("resp-abc", 0, 0), calls[0].Id);
        Assert.StartsWith("call_", calls[0].Id, StringComparison.Ordinal);
        Assert.NotEqual(calls[0].Id, calls[1].Id);
        Assert.Equal(("get_weather", """{"city":"Paris"}""", "c2lnLWNhbGwtMQ==", SignatureFamilies.Gemini), (calls[0].Name, calls[0].ArgumentsJson, calls[0].Signature, calls[0].SignatureFamily));
        Assert.Equal(("get_time", "{}", (string?)null), (calls[1].Name, calls[1].ArgumentsJson, calls[1].Signature));
    }

    [Fact]
    public void FromWireThenToWire_AssistantTurn_SendsEveryPartBackAsReceived()
    {
        var text = GeminiFixtures.ReadText("response_thinking_tools.json");
        var wire = JsonSerializer.Deserialize(text, GeminiJsonContext.Default.GeminiGenerateContentResponse)!;
        var answer = GeminiMapper.FromWire(wire, "gemini-2.5-flash", Created).Choices[0].Message;
        var request = Simple("gemini-2.5-flash");
        request.Messages.Add(answer);

        var sent = GeminiMapper.ToWire(request, "google", vertex: false);

        var received = JsonNode.Parse(text)!["candidates"]![0]!["content"]!["parts"];
        var model = JsonSerializer.SerializeToNode(sent, GeminiJsonContext.Default.GeminiGenerateContentRequest)!["contents"]![1]!;
        Assert.Equal("model", (string?)model["role"]);
        GeminiFixtures.AssertJsonEqual(received, model["parts"]);
    }

    /// <summary>
    /// The UsageMetadata reference: promptTokenCount includes the cached content ("when cachedContent is set, this is
    /// still the total effective prompt size"), toolUsePromptTokenCount and thoughtsTokenCount are counted apart from
    /// prompt and candidates, and totalTokenCount is the sum of all four. Canonical usage must add up to the same total.
    /// </summary>
    [Fact]
    public void MapUsage_DocumentedSemantics_CachedIsSubsetAndTotalsAgree()
    {
        var wire = JsonSerializer.Deserialize(GeminiFixtures.ReadText("response_thinking_tools.json"), GeminiJsonContext.Default.GeminiGenerateContentResponse)!;

        var usage = GeminiMapper.MapUsage(wire.UsageMetadata!);

        Assert.Equal(new ChatUsage { InputTokens = 125, CachedInputTokens = 100, OutputTokens = 70, ReasoningTokens = 40 }, usage);
        Assert.Equal(wire.UsageMetadata!.TotalTokenCount, usage.TotalTokens);
        Assert.True(usage.CachedInputTokens <= usage.InputTokens);
    }

    [Fact]
    public void FromWire_SeveralCandidates_MapsFinishReasonsAndLogprobs()
    {
        var wire = JsonSerializer.Deserialize(GeminiFixtures.ReadText("response_text.json"), GeminiJsonContext.Default.GeminiGenerateContentResponse)!;

        var response = GeminiMapper.FromWire(wire, "requested", Created);

        Assert.Equal(2, response.Choices.Count);
        Assert.Equal("Hello, world.", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
        Assert.Equal(FinishReason.ContentFilter, response.Choices[1].FinishReason);
        Assert.Equal(1, response.Choices[1].Index);
        var logprobs = JsonNode.Parse(response.Choices[0].Logprobs!.Value.GetRawText())!;
        GeminiFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"content":[{"token":"Hello","logprob":-0.1,"bytes":[72,101,108,108,111],"top_logprobs":[{"token":"Hello","logprob":-0.1,"bytes":[72,101,108,108,111]},{"token":"Hi","logprob":-2.5,"bytes":[72,105]}]}]}"""),
            logprobs);
        Assert.Equal(new ChatUsage { InputTokens = 4, OutputTokens = 5 }, response.Usage);
    }

    [Theory]
    [InlineData("STOP", FinishReason.Stop)]
    [InlineData("MAX_TOKENS", FinishReason.Length)]
    [InlineData("SAFETY", FinishReason.ContentFilter)]
    [InlineData("RECITATION", FinishReason.ContentFilter)]
    [InlineData("BLOCKLIST", FinishReason.ContentFilter)]
    [InlineData("PROHIBITED_CONTENT", FinishReason.ContentFilter)]
    [InlineData("SPII", FinishReason.ContentFilter)]
    [InlineData("MALFORMED_FUNCTION_CALL", FinishReason.Stop)]
    [InlineData("OTHER", FinishReason.Stop)]
    public void MapFinishReason_GoogleValues_OpenAIVocabulary(string value, FinishReason expected) =>
        Assert.Equal(expected, GeminiMapper.MapFinishReason(value));

    [Fact]
    public void FromWire_BlockedPrompt_Throws400ContentFilter()
    {
        var wire = JsonSerializer.Deserialize("""{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":3}}""", GeminiJsonContext.Default.GeminiGenerateContentResponse)!;

        var ex = Assert.Throws<ProviderException>(() => GeminiMapper.FromWire(wire, "m", Created));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("content_filter", ex.ErrorCode);
        Assert.Contains("PROHIBITED_CONTENT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapError_GoldenCases_MapStatusTypeCodeAndRetryDelay()
    {
        foreach (var entry in GeminiFixtures.ReadJson("errors.json").AsArray())
        {
            var status = (int)entry!["status"]!;
            var body = entry["body"] is JsonValue raw ? (string)raw! : entry["body"]!.ToJsonString();
            var expected = entry["expected"]!;

            var ex = GeminiMapper.MapError(status, Encoding.UTF8.GetBytes(body), null, "secret-key");

            Assert.Equal(status, ex.StatusCode);
            Assert.Equal((string?)expected["type"], ex.ErrorType);
            Assert.Equal((string?)expected["code"], ex.ErrorCode);
            Assert.Equal((string?)expected["message"], ex.Message);
            Assert.Equal(expected["retry_after_seconds"] is { } seconds ? TimeSpan.FromSeconds((double)seconds) : null, ex.RetryAfter);
        }
    }

    [Fact]
    public void MapError_MessageEchoingTheKey_IsRedacted()
    {
        var body = """{"error":{"code":400,"message":"API key AIza-secret-123 not valid.","status":"INVALID_ARGUMENT"}}""";

        var ex = GeminiMapper.MapError(400, Encoding.UTF8.GetBytes(body), TimeSpan.FromSeconds(3), "AIza-secret-123");

        Assert.DoesNotContain("AIza-secret-123", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
    }

    [Fact]
    public async Task StreamTranslator_GoldenStream_TextThoughtsSignaturesCallAndUsage()
    {
        var translator = new GeminiStreamTranslator("requested", secret: null);
        var updates = new List<ChatStreamUpdate>();
        await using var reader = new Core.Sse.SseReader(new MemoryStream(File.ReadAllBytes(GeminiFixtures.Path("stream_thinking_tool.sse"))));
        while (await reader.ReadAsync(CancellationToken.None))
        {
            if (reader.HasData)
            {
                translator.Translate(reader.Data.Span, updates);
            }
        }

        Assert.True(translator.SawFinish);
        updates.Add(translator.Complete()!);
        var actual = new JsonArray([.. updates.Select(u => (JsonNode)GeminiFixtures.Normalize(u))]);
        GeminiFixtures.AssertJsonEqual(GeminiFixtures.ReadJson("stream_thinking_tool.expected.json"), actual);
        Assert.All(updates, u => Assert.Equal("resp-s1", u.Id));
        Assert.Equal(GeminiMapper.ToolCallId("resp-s1", 0, 0), updates.Single(u => u.ToolCalls is not null).ToolCalls![0].Id);
    }

    [Fact]
    public void StreamTranslator_ErrorChunk_ThrowsMappedError()
    {
        var translator = new GeminiStreamTranslator("requested", secret: null);

        var ex = Assert.Throws<ProviderException>(() => translator.Translate(
            """{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"""u8, []));

        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("UNAVAILABLE", ex.ErrorCode);
    }

    private static ChatRequest Simple(string model) => new() { Model = model, Messages = [ChatMessage.FromText(ChatRole.User, "hi")] };

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
