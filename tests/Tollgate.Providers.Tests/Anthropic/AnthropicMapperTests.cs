using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed class AnthropicMapperTests
{
    private static readonly DateTimeOffset Created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TheoryData<string> RequestFixtures =>
    [
        "request_system_merge.json",
        "request_images.json",
        "request_tools_multiturn.json",
        "request_json_schema.json",
        "request_stop_sampling.json",
        "request_max_tokens_default.json",
        "request_documents_cache.json",
        "request_thinking_history.json",
    ];

    public static TheoryData<string> ResponseFixtures =>
    [
        "response_text.json",
        "response_tool_use.json",
        "response_max_tokens.json",
        "response_cache_usage.json",
        "response_json_mode.json",
        "response_refusal.json",
        "response_thinking_citations.json",
    ];

    public static TheoryData<string> ErrorFixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var e in AnthropicFixtures.ReadJson("errors.json").AsArray())
            {
                data.Add((string)e!["name"]!);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RequestFixtures))]
    public void ToWire_CanonicalRequest_MatchesGoldenJson(string fixture)
    {
        var (request, options, stream) = CanonicalFor(fixture);

        var wire = AnthropicMapper.ToWire(request, options, stream);

        var actual = JsonNode.Parse(JsonSerializer.Serialize(wire, AnthropicJsonContext.Default.AnthropicMessagesRequest));
        AnthropicFixtures.AssertJsonEqual(AnthropicFixtures.ReadJson(fixture), actual);
    }

    [Theory]
    [MemberData(nameof(ResponseFixtures))]
    public void FromWire_DocumentedResponse_MatchesExpectedCanonical(string fixture)
    {
        var file = AnthropicFixtures.ReadJson(fixture);
        var upstream = JsonSerializer.Deserialize(file["upstream"]!.ToJsonString(), AnthropicJsonContext.Default.AnthropicMessagesResponse)!;

        var response = AnthropicMapper.FromWire(upstream, (bool)file["json_mode"]!, Created);

        Assert.Equal(Created, response.Created);
        AnthropicFixtures.AssertJsonEqual(file["expected"], AnthropicFixtures.Normalize(response));
    }

    [Theory]
    [MemberData(nameof(ErrorFixtures))]
    public void MapError_DocumentedErrorBody_MapsToOpenAIVocabulary(string name)
    {
        var e = AnthropicFixtures.ReadJson("errors.json").AsArray().Single(x => (string)x!["name"]! == name)!;
        var expected = e["expected"]!;
        TimeSpan? retryAfter = e["retry_after"] is { } ra ? TimeSpan.FromSeconds(double.Parse((string)ra!, System.Globalization.CultureInfo.InvariantCulture)) : null;

        var error = AnthropicMapper.MapError((int)e["status"]!, Encoding.UTF8.GetBytes((string)e["body"]!), retryAfter);

        Assert.Equal(ProviderErrorKind.Upstream, error.Kind);
        Assert.Equal((int)expected["status"]!, error.StatusCode);
        Assert.Equal((string)expected["error_type"]!, error.ErrorType);
        Assert.Equal((string)expected["message"]!, error.Message);
        Assert.Equal(expected["retry_after_seconds"] is { } s ? TimeSpan.FromSeconds((int)s) : null, error.RetryAfter);
    }

    [Theory]
    [InlineData("claude-opus-4-1-20250805", 32000)]
    [InlineData("claude-opus-4-20250514", 32000)]
    [InlineData("claude-sonnet-4-5-20250929", 64000)]
    [InlineData("claude-sonnet-4-20250514", 64000)]
    [InlineData("claude-3-7-sonnet-20250219", 64000)]
    [InlineData("claude-haiku-4-5", 64000)]
    [InlineData("claude-3-5-haiku-latest", 8192)]
    [InlineData("claude-3-5-sonnet-20241022", 8192)]
    [InlineData("claude-3-haiku-20240307", 4096)]
    [InlineData("claude-3-opus-20240229", 4096)]
    [InlineData("claude-mapped", 1234)]
    [InlineData("some-other-model", 2000)]
    public void ResolveMaxTokens_NoRequestValue_UsesMapThenTableThenDefault(string model, int expected)
    {
        var options = OptionsWithMaxTokens(defaultMaxTokens: "2000");

        Assert.Equal(expected, AnthropicMapper.ResolveMaxTokens(Request(model, "hi"), options));
    }

    [Fact]
    public void ResolveMaxTokens_NothingConfigured_Is4096()
    {
        Assert.Equal(4096, AnthropicMapper.ResolveMaxTokens(Request("unknown", "hi"), AnthropicFixtures.Options()));
    }

    [Fact]
    public void ResolveMaxTokens_RequestValue_Wins()
    {
        var request = Request("claude-mapped", "hi");
        request.MaxTokens = 7;

        Assert.Equal(7, AnthropicMapper.ResolveMaxTokens(request, OptionsWithMaxTokens("2000")));
    }

    [Theory]
    [InlineData("n")]
    [InlineData("logprobs")]
    [InlineData("seed")]
    [InlineData("presence_penalty")]
    [InlineData("frequency_penalty")]
    public void ToWire_InexpressibleFeature_ThrowsUnsupported400(string feature)
    {
        var request = Request("claude-sonnet-4-5", "hi");
        switch (feature)
        {
            case "n": request.N = 2; break;
            case "logprobs": request.Logprobs = true; break;
            case "seed": request.Seed = 42; break;
            case "presence_penalty": request.PresencePenalty = 0.5; break;
            case "frequency_penalty": request.FrequencyPenalty = 0.5; break;
        }

        var ex = Assert.Throws<ProviderException>(() => AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false));

        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("claude", ex.Message, StringComparison.Ordinal);
        if (feature == "seed")
        {
            Assert.Contains("seed", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToWire_NOfOneAndLogprobsFalse_Accepted()
    {
        var request = Request("claude-sonnet-4-5", "hi");
        request.N = 1;
        request.Logprobs = false;

        Assert.Equal("claude-sonnet-4-5", AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false).Model);
    }

    [Fact]
    public void ToWire_InvalidToolArguments_ThrowsNamingTheMessage()
    {
        var request = new ChatRequest
        {
            Model = "claude-sonnet-4-5",
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "hi"),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("call_1", "f", "{not json")] },
            ],
        };

        var ex = Assert.Throws<ProviderException>(() => AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false));

        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("messages[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWire_ToolChoiceVariants_MapToAnthropicShapes()
    {
        static JsonNode? ChoiceFor(ToolChoice choice)
        {
            var request = Request("claude-sonnet-4-5", "hi");
            request.Tools = [new ToolDefinition("f", null, null)];
            request.ToolChoice = choice;
            var wire = AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false);
            return JsonNode.Parse(JsonSerializer.Serialize(wire, AnthropicJsonContext.Default.AnthropicMessagesRequest))!["tool_choice"];
        }

        AnthropicFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"any"}"""), ChoiceFor(new ToolChoice(ToolChoiceMode.Required)));
        AnthropicFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"none"}"""), ChoiceFor(new ToolChoice(ToolChoiceMode.None)));
        AnthropicFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"tool","name":"f"}"""), ChoiceFor(new ToolChoice(ToolChoiceMode.Function, "f")));
    }

    [Theory]
    [InlineData("claude-sonnet-4-5", null, null, 2000, true, 64000, 2000)]
    [InlineData("claude-sonnet-4-5", null, null, null, true, 64000, 8192)]
    [InlineData("claude-sonnet-4-5", null, "minimal", null, true, 64000, 1024)]
    [InlineData("claude-sonnet-4-5", null, "high", null, true, 64000, 24576)]
    [InlineData("claude-3-5-haiku-20241022", null, "high", null, true, 24576 + 4096, 24576)]
    [InlineData("claude-sonnet-4-5", 1500, "low", null, true, 1500, 1499)]
    [InlineData("claude-sonnet-4-5", 20000, "medium", null, true, 20000, 8192)]
    [InlineData("claude-sonnet-4-5", 5000, null, 4999, true, 5000, 4999)]
    public void ToWire_Reasoning_MapsToThinkingWithinMaxTokens(string model, int? maxTokens, string? effort, int? budget, bool enabled, int expectedMaxTokens, int expectedBudget)
    {
        var request = Request(model, "think");
        request.MaxTokens = maxTokens;
        request.Reasoning = new ReasoningOptions { Enabled = enabled, Effort = effort, BudgetTokens = budget };

        var wire = AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false);

        Assert.Equal(expectedMaxTokens, wire.MaxTokens);
        Assert.Equal("enabled", wire.Thinking!.Type);
        Assert.Equal(expectedBudget, wire.Thinking.BudgetTokens);
    }

    [Fact]
    public void ToWire_ReasoningDisabled_SendsThinkingDisabled()
    {
        var request = Request("claude-sonnet-4-5", "no thinking");
        request.Reasoning = new ReasoningOptions { Enabled = false };

        var json = JsonNode.Parse(JsonSerializer.Serialize(AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false), AnthropicJsonContext.Default.AnthropicMessagesRequest))!;

        AnthropicFixtures.AssertJsonEqual(JsonNode.Parse("""{"type":"disabled"}"""), json["thinking"]);
    }

    [Theory]
    [InlineData(null, 500, "reasoning.budget_tokens", "below the minimum of 1024")]
    [InlineData(4000, 4000, "max_tokens", "must be less than max_tokens (4000)")]
    [InlineData(1000, null, "max_tokens", "max_tokens of 1000 leaves no room for reasoning")]
    public void ToWire_ReasoningThatCannotFit_Refused400(int? maxTokens, int? budget, string param, string message)
    {
        var request = Request("claude-sonnet-4-5", "think");
        request.MaxTokens = maxTokens;
        request.Reasoning = new ReasoningOptions { BudgetTokens = budget, Effort = budget is null ? "low" : null };

        var ex = Assert.Throws<ProviderException>(() => AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal(param, ex.Param);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'claude'", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> InexpressibleContent => ["unsigned thinking", "gemini thinking", "gemini redacted", "thinking from the user", "word document", "system image", "ftp document"];

    [Theory]
    [MemberData(nameof(InexpressibleContent))]
    public void ToWire_ContentTheMessagesApiCannotTake_Refused400NamingProvider(string content)
    {
        var user = ChatMessage.FromText(ChatRole.User, "hi");
        ChatMessage message = content switch
        {
            "unsigned thinking" => new ChatMessage(ChatRole.Assistant, [new ThinkingPart("plain"), new TextPart("a")]),
            "gemini thinking" => new ChatMessage(ChatRole.Assistant, [new ThinkingPart("t", "sig") { SignatureFamily = SignatureFamilies.Gemini }]),
            "gemini redacted" => new ChatMessage(ChatRole.Assistant, [new RedactedThinkingPart("x") { SignatureFamily = SignatureFamilies.Gemini }]),
            "thinking from the user" => new ChatMessage(ChatRole.User, [new ThinkingPart("t", "sig") { SignatureFamily = SignatureFamilies.Anthropic }]),
            "word document" => new ChatMessage(ChatRole.User, [new DocumentPart { MediaType = "application/msword", Data = "AAAA" }]),
            "system image" => new ChatMessage(ChatRole.System, [new ImagePart("https://example.com/a.png")]),
            _ => new ChatMessage(ChatRole.User, [new DocumentPart { Url = "ftp://example.com/a.pdf" }]),
        };
        var request = new ChatRequest { Model = "claude-sonnet-4-5", Messages = [user, message] };

        var ex = Assert.Throws<ProviderException>(() => AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Contains("'claude'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("messages[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWire_SingleUnmarkedSystemPart_IsAPlainString()
    {
        var request = new ChatRequest { Model = "claude-sonnet-4-5", Messages = [ChatMessage.FromText(ChatRole.System, "Be brief."), ChatMessage.FromText(ChatRole.User, "hi")] };

        var wire = AnthropicMapper.ToWire(request, AnthropicFixtures.Options(), stream: false);

        Assert.Equal(JsonValueKind.String, wire.System!.Value.ValueKind);
        Assert.Equal("Be brief.", wire.System.Value.GetString());
    }

    [Fact]
    public void MapStreamError_OverloadedEvent_Is529()
    {
        var ex = AnthropicMapper.MapStreamError(new AnthropicError { Type = "overloaded_error", Message = "Overloaded" });

        Assert.Equal(529, ex.StatusCode);
        Assert.Equal("overloaded_error", ex.ErrorType);
        Assert.Equal("Overloaded", ex.Message);
    }

    private static AnthropicProviderOptions OptionsWithMaxTokens(string defaultMaxTokens) => AnthropicFixtures.Options(settings: new Dictionary<string, ConfigValue>
    {
        ["default_max_tokens"] = ConfigValue.FromScalar(defaultMaxTokens),
        ["max_tokens"] = new ConfigValue { Map = new Dictionary<string, ConfigValue> { ["claude-mapped"] = ConfigValue.FromScalar("1234") } },
    });

    private static ChatRequest Request(string model, string text) => new()
    {
        Model = model,
        Messages = [ChatMessage.FromText(ChatRole.User, text)],
    };

    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static (ChatRequest Request, AnthropicProviderOptions Options, bool Stream) CanonicalFor(string fixture) => fixture switch
    {
        "request_system_merge.json" => (new ChatRequest
        {
            Model = "claude-sonnet-4-5-20250929",
            MaxTokens = 1024,
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "You are terse."),
                ChatMessage.FromText(ChatRole.Developer, "Answer in French."),
                ChatMessage.FromText(ChatRole.User, "Hi"),
                ChatMessage.FromText(ChatRole.User, "How are you?"),
                ChatMessage.FromText(ChatRole.Assistant, "Bien."),
                ChatMessage.FromText(ChatRole.User, "Merci"),
            ],
        }, AnthropicFixtures.Options(), false),
        "request_images.json" => (new ChatRequest
        {
            Model = "claude-3-5-haiku-20241022",
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "Describe images."),
                new ChatMessage(ChatRole.User,
                [
                    new TextPart("What is in these?"),
                    new ImagePart("data:image/png;base64,iVBORw0KGgo="),
                    new ImagePart("https://example.com/cat.jpg", "high"),
                ]),
            ],
        }, AnthropicFixtures.Options(), false),
        "request_tools_multiturn.json" => (new ChatRequest
        {
            Model = "claude-opus-4-1-20250805",
            MaxTokens = 500,
            Tools =
            [
                new ToolDefinition("get_weather", "Current weather for a city", Schema("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")),
                new ToolDefinition("get_time", null, null),
            ],
            ToolChoice = new ToolChoice(ToolChoiceMode.Auto),
            ParallelToolCalls = false,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "Weather in Paris and Tokyo?"),
                new ChatMessage(ChatRole.Assistant, [new TextPart("Checking.")])
                {
                    ToolCalls = [new ToolCall("call_1", "get_weather", """{"city":"Paris"}"""), new ToolCall("call_2", "get_weather", """{ "city": "Tokyo" }""")],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("18C")]) { ToolCallId = "call_1" },
                new ChatMessage(ChatRole.Tool, [new TextPart("25C")]) { ToolCallId = "call_2" },
                ChatMessage.FromText(ChatRole.User, "And the time?"),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("call_3", "get_time", string.Empty)] },
                new ChatMessage(ChatRole.Tool, [new TextPart("12:00")]) { ToolCallId = "call_3" },
            ],
        }, AnthropicFixtures.Options(), false),
        "request_json_schema.json" => (new ChatRequest
        {
            Model = "claude-haiku-4-5",
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "person", Schema("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"""), true),
            Messages = [ChatMessage.FromText(ChatRole.User, "Who wrote Hamlet?")],
        }, AnthropicFixtures.Options(), false),
        "request_stop_sampling.json" => (new ChatRequest
        {
            Model = "claude-3-opus-20240229",
            Stop = ["\n\nHuman:", "END"],
            Temperature = 0.5,
            TopP = 0.9,
            User = "user-42",
            Messages = [ChatMessage.FromText(ChatRole.User, "Count to ten.")],
        }, AnthropicFixtures.Options(), false),
        "request_max_tokens_default.json" => (new ChatRequest
        {
            Model = "claude-custom-model",
            Stream = true,
            Messages = [ChatMessage.FromText(ChatRole.User, "Hello")],
        }, OptionsWithMaxTokens("2000"), true),
        "request_documents_cache.json" => (new ChatRequest
        {
            Model = "claude-sonnet-4-5-20250929",
            MaxTokens = 2048,
            TopK = 40,
            User = "user-7",
            Tools = [new ToolDefinition("search", "Search the web", Schema("""{"type":"object","properties":{"q":{"type":"string"}}}""")) { CacheControl = CacheControl.Ephemeral }],
            ToolChoice = new ToolChoice(ToolChoiceMode.None),
            Messages =
            [
                new ChatMessage(ChatRole.System, [new TextPart("You answer from documents."), new TextPart("Cite everything.") { CacheControl = CacheControl.Ephemeral }]),
                new ChatMessage(ChatRole.User,
                [
                    new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQK", Title = "Report", Context = "Q3 figures", Citations = true, CacheControl = new CacheControl("ephemeral", "1h") },
                    new DocumentPart { Url = "https://example.com/paper.pdf" },
                    new DocumentPart { Text = "The grass is green.", Title = "Facts", Citations = true },
                    new DocumentPart { MediaType = "text/plain", Data = "UGxhaW4gbm90ZXMu", FileName = "notes.txt" },
                    new ImagePart("data:image/jpeg;base64,/9j/4AAQ") { CacheControl = CacheControl.Ephemeral },
                    new TextPart("Summarise, citing sources."),
                ]),
            ],
        }, AnthropicFixtures.Options(), false),
        "request_thinking_history.json" => (new ChatRequest
        {
            Model = "claude-sonnet-4-5-20250929",
            MaxTokens = 16000,
            Reasoning = new ReasoningOptions { BudgetTokens = 10000 },
            Betas = ["interleaved-thinking-2025-05-14"],
            Tools = [new ToolDefinition("get_weather", "Current weather for a city", Schema("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""))],
            ToolChoice = new ToolChoice(ToolChoiceMode.Auto),
            ParallelToolCalls = false,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "What's the weather in Paris?"),
                new ChatMessage(ChatRole.Assistant,
                [
                    new TextPart("Let me check."),
                    new ThinkingPart("The user wants the current weather in Paris. I should call get_weather.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...") { SignatureFamily = SignatureFamilies.Anthropic },
                    new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj") { SignatureFamily = SignatureFamilies.Anthropic },
                ])
                {
                    ToolCalls = [new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", """{"city":"Paris"}""") { CacheControl = CacheControl.Ephemeral }],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("Weather service degraded; radar attached."), new ImagePart("data:image/png;base64,iVBORw0KGgo=")])
                {
                    ToolCallId = "toolu_01A09q90qw90lq917835lq9",
                    IsError = true,
                    CacheControl = CacheControl.Ephemeral,
                },
            ],
        }, AnthropicFixtures.Options(), false),
        _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, "No canonical request for this fixture."),
    };
}
