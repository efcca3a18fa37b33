using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Providers.Bedrock;
using Tollgate.Testing.Bedrock;

namespace Tollgate.Providers.Tests.Bedrock;

/// <summary>
/// Golden files under Fixtures/bedrock, built from the Converse API reference
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html and the ContentBlock,
/// ConverseStreamOutput and TokenUsage pages): the exact body we must send, and answers, streams and errors we must read.
/// </summary>
public sealed class BedrockMapperTests
{
    private const string Provider = "aws";
    private const string Claude = "anthropic.claude-3-7-sonnet-20250219-v1:0";
    private static readonly DateTimeOffset Created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TheoryData<string> RequestFixtures =>
    [
        "request_system_sampling.json",
        "request_tools_multiturn.json",
        "request_images_documents.json",
        "request_reasoning_roundtrip.json",
        "request_json_schema.json",
    ];

    public static TheoryData<string, bool> ResponseFixtures => new()
    {
        { "response_text_cache_usage.json", false },
        { "response_tool_use.json", false },
        { "response_reasoning.json", false },
        { "response_guardrail.json", false },
        { "response_json_mode.json", true },
    };

    public static TheoryData<string> ErrorFixtures
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var e in ReadJson("errors.json").AsArray())
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
        var wire = BedrockMapper.ToWire(CanonicalFor(fixture), Provider);

        var actual = JsonNode.Parse(JsonSerializer.Serialize(wire, BedrockJsonContext.Default.BedrockConverseRequest));
        AssertJsonEqual(ReadJson(fixture), actual);
    }

    [Theory]
    [MemberData(nameof(ResponseFixtures))]
    public void FromWire_GoldenAnswer_MapsToCanonical(string fixture, bool jsonMode)
    {
        var golden = ReadJson(fixture);
        var wire = golden["wire"].Deserialize(BedrockJsonContext.Default.BedrockConverseResponse)!;

        var response = BedrockMapper.FromWire(wire, jsonMode, "bedrock-id", Claude, Created);

        Assert.Equal("bedrock-id", response.Id);
        Assert.Equal(Created, response.Created);
        AssertJsonEqual(golden["expected"], Normalize(response));
    }

    [Fact]
    public async Task Translate_GoldenEventStream_MatchesExpectedUpdates()
    {
        var golden = ReadJson("stream_reasoning_tool.json");
        var bytes = golden["events"]!.AsArray()
            .SelectMany(e => EventStreamEncoder.Event((string)e!["event"]!, e["payload"]!.ToJsonString()))
            .ToArray();
        var reader = new AwsEventStreamReader(new MemoryStream(bytes));
        var translator = new BedrockStreamTranslator(jsonMode: false, "bedrock-id", Claude);
        var updates = new List<ChatStreamUpdate>();

        while (await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)) is { } message)
        {
            translator.Translate(message, updates);
        }

        Assert.True(translator.IsComplete);
        AssertJsonEqual(golden["expected"], new JsonArray([.. updates.Select(u => (JsonNode)Normalize(u))]));
        Assert.All(updates, u => Assert.Equal("bedrock-id", u.Id));
    }

    [Theory]
    [MemberData(nameof(ErrorFixtures))]
    public void MapError_GoldenError_OpenAITypeCodeAndMessage(string name)
    {
        var golden = ReadJson("errors.json").AsArray().Single(e => (string)e!["name"]! == name)!;
        var body = golden["body"] is JsonValue text && text.GetValueKind() == JsonValueKind.String ? (string)text! : golden["body"]!.ToJsonString();

        var error = BedrockMapper.MapError((int)golden["status"]!, (string?)golden["header"], Encoding.UTF8.GetBytes(body), null);

        Assert.Equal(ProviderErrorKind.Upstream, error.Kind);
        Assert.Equal((int)golden["status"]!, error.StatusCode);
        Assert.Equal((string?)golden["expected"]!["type"], error.ErrorType);
        Assert.Equal((string?)golden["expected"]!["code"], error.ErrorCode);
        Assert.Equal((string?)golden["expected"]!["message"], error.Message);
    }

    [Theory]
    [InlineData("throttlingException", 429, "rate_limit_error")]
    [InlineData("modelStreamErrorException", 424, "api_error")]
    [InlineData("validationException", 400, "invalid_request_error")]
    [InlineData("serviceUnavailableException", 503, "api_error")]
    [InlineData("internalServerException", 500, "api_error")]
    public void MapStreamException_DocumentedTypes_StatusAndType(string type, int status, string openAIType)
    {
        var error = BedrockMapper.MapStreamException(type, """{"message":"boom"}"""u8);

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(openAIType, error.ErrorType);
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void Translate_ErrorMessageType_Throws500WithItsCode()
    {
        var frame = new AwsEventStreamMessage(
            new Dictionary<string, string> { [":message-type"] = "error", [":error-code"] = "InternalFailure", [":error-message"] = "stream broke" },
            ReadOnlyMemory<byte>.Empty);

        var ex = Assert.Throws<ProviderException>(() => new BedrockStreamTranslator(false, "id", Claude).Translate(frame, []));

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal("InternalFailure", ex.ErrorCode);
        Assert.Equal("stream broke", ex.Message);
    }

    [Fact]
    public void Translate_EventPayloadNotJson_InvalidResponse502()
    {
        var frame = new AwsEventStreamMessage(new Dictionary<string, string> { [":message-type"] = "event", [":event-type"] = "contentBlockDelta" }, "not json"u8.ToArray());

        var ex = Assert.Throws<ProviderException>(() => new BedrockStreamTranslator(false, "id", Claude).Translate(frame, []));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Theory]
    [InlineData("report.final.pdf", null, "report final")]
    [InlineData("../../etc/passwd", null, "passwd")]
    [InlineData(null, "Quarterly   results: Q3/Q4", "Quarterly results Q3 Q4")]
    [InlineData("données (v2) [draft].txt", null, "données (v2) [draft]")]
    [InlineData("***", null, "document-1")]
    public void DocumentName_AnyInput_OnlyCharactersBedrockAccepts(string? fileName, string? title, string expected)
    {
        Assert.Equal(expected, BedrockMapper.DocumentName(new DocumentPart { FileName = fileName, Title = title }, new HashSet<string>()));
    }

    [Fact]
    public void ToWire_ToolChoiceNoneWithoutHistory_ToolsLeftOut()
    {
        var request = new ChatRequest
        {
            Model = Claude,
            Messages = [ChatMessage.FromText(ChatRole.User, "hi")],
            Tools = [new ToolDefinition("f", null, null)],
            ToolChoice = new ToolChoice(ToolChoiceMode.None),
        };

        Assert.Null(BedrockMapper.ToWire(request, Provider).ToolConfig);
    }

    [Fact]
    public void ToWire_ToolChoiceNoneWithToolHistory_Refused400()
    {
        var request = new ChatRequest
        {
            Model = Claude,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "hi"),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("t1", "f", "{}")] },
                new ChatMessage(ChatRole.Tool, [new TextPart("ok")]) { ToolCallId = "t1" },
            ],
            Tools = [new ToolDefinition("f", null, null)],
            ToolChoice = new ToolChoice(ToolChoiceMode.None),
        };

        var ex = Assert.Throws<ProviderException>(() => BedrockMapper.ToWire(request, Provider));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("none", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'aws'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("n")]
    [InlineData("seed")]
    [InlineData("logprobs")]
    [InlineData("presence")]
    [InlineData("topk-nova")]
    [InlineData("parallel")]
    [InlineData("image-type")]
    [InlineData("document-url")]
    [InlineData("thinking-nova")]
    public void ToWire_Inexpressible_Refused400NamingProvider(string feature)
    {
        var request = new ChatRequest { Model = Claude, Messages = [ChatMessage.FromText(ChatRole.User, "hi")] };
        switch (feature)
        {
            case "n":
                request.N = 2;
                break;
            case "seed":
                request.Seed = 7;
                break;
            case "logprobs":
                request.Logprobs = true;
                break;
            case "presence":
                request.PresencePenalty = 0.5;
                break;
            case "topk-nova":
                request.Model = "amazon.nova-lite-v1:0";
                request.TopK = 5;
                break;
            case "parallel":
                request.Tools = [new ToolDefinition("f", null, null)];
                request.ParallelToolCalls = false;
                break;
            case "image-type":
                request = request.WithMessages([new ChatMessage(ChatRole.User, [new ImagePart("data:image/bmp;base64,Qk0=")])]);
                break;
            case "document-url":
                request = request.WithMessages([new ChatMessage(ChatRole.User, [new DocumentPart { Url = "https://example.com/a.pdf", MediaType = "application/pdf" }])]);
                break;
            case "thinking-nova":
                request.Model = "amazon.nova-pro-v1:0";
                request = request.WithMessages([ChatMessage.FromText(ChatRole.User, "a"), new ChatMessage(ChatRole.Assistant, [new ThinkingPart("t", "sig") { SignatureFamily = SignatureFamilies.Anthropic }, new TextPart("b")])]);
                break;
        }

        var ex = Assert.Throws<ProviderException>(() => BedrockMapper.ToWire(request, Provider));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Contains("'aws'", ex.Message, StringComparison.Ordinal);
    }

    private static ChatRequest CanonicalFor(string fixture) => fixture switch
    {
        "request_system_sampling.json" => new ChatRequest
        {
            Model = "mistral.mistral-large-2407-v1:0",
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "You are terse."),
                new ChatMessage(ChatRole.Developer, [new TextPart("Answer in French.") { CacheControl = CacheControl.Ephemeral }]),
                ChatMessage.FromText(ChatRole.User, "Bonjour"),
                new ChatMessage(ChatRole.User, [new TextPart(string.Empty), new TextPart("et merci")]),
                ChatMessage.FromText(ChatRole.Assistant, "Salut."),
                ChatMessage.FromText(ChatRole.User, "Encore ?"),
            ],
            MaxTokens = 300,
            Temperature = 0.2,
            TopP = 0.8,
            TopK = 50,
            Stop = ["###"],
        },
        "request_tools_multiturn.json" => new ChatRequest
        {
            Model = Claude,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "Weather in Paris and Tokyo?"),
                new ChatMessage(ChatRole.Assistant, [new TextPart("Checking.")])
                {
                    ToolCalls = [new ToolCall("tooluse_1", "get_weather", """{"city":"Paris"}"""), new ToolCall("tooluse_2", "get_weather", """{ "city": "Tokyo" }""")],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("18C")]) { ToolCallId = "tooluse_1" },
                new ChatMessage(ChatRole.Tool, [new TextPart("unknown city")]) { ToolCallId = "tooluse_2", IsError = true, CacheControl = CacheControl.Ephemeral },
                ChatMessage.FromText(ChatRole.User, "And the time?"),
            ],
            Tools =
            [
                new ToolDefinition("get_weather", "Current weather for a city", Element("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")) { CacheControl = CacheControl.Ephemeral },
                new ToolDefinition("get_time", null, null),
            ],
            ToolChoice = new ToolChoice(ToolChoiceMode.Auto),
        },
        "request_images_documents.json" => new ChatRequest
        {
            Model = Claude,
            Messages =
            [
                new ChatMessage(ChatRole.User,
                [
                    new TextPart("Compare these."),
                    new ImagePart("data:image/jpeg;base64,/9j/4AAQ"),
                    new ImagePart("data:image/webp;base64,UklGRg==", "high"),
                    new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQ=", FileName = "Annual report (2024) [final].pdf" },
                    new DocumentPart { MediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data = "UEsDBA==", FileName = "Annual report (2024) [final].docx" },
                    new DocumentPart { MediaType = "text/markdown", Text = "# Title", FileName = "readme.md", Context = "The project readme" },
                    new DocumentPart { MediaType = "text/csv", Data = "YSxiCjEsMg==" },
                ]),
            ],
        },
        "request_reasoning_roundtrip.json" => new ChatRequest
        {
            Model = Claude,
            Reasoning = new ReasoningOptions { Effort = "medium" },
            MaxTokens = 16000,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "What is 2+2? Use the calculator."),
                new ChatMessage(ChatRole.Assistant,
                [
                    new ThinkingPart("I should call the calculator.", "EqQBCkYIARgCKkA") { SignatureFamily = SignatureFamilies.Anthropic },
                    new RedactedThinkingPart("RW5jcnlwdGVkIHRob3VnaHRz") { SignatureFamily = SignatureFamilies.Anthropic },
                ])
                {
                    ToolCalls = [new ToolCall("tooluse_calc", "calculator", """{"expression":"2+2"}""")],
                },
                new ChatMessage(ChatRole.Tool, [new TextPart("4")]) { ToolCallId = "tooluse_calc" },
            ],
            Tools = [new ToolDefinition("calculator", "Evaluates arithmetic", Element("""{"type":"object","properties":{"expression":{"type":"string"}}}"""))],
        },
        "request_json_schema.json" => new ChatRequest
        {
            Model = Claude,
            Messages = [ChatMessage.FromText(ChatRole.User, "Extract the person.")],
            ResponseFormat = new ResponseFormat(
                ResponseFormatKind.JsonSchema,
                "person",
                Element("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}""")),
        },
        _ => throw new ArgumentException(fixture, nameof(fixture)),
    };

    private static JsonObject Normalize(ChatResponse response)
    {
        var choice = Assert.Single(response.Choices);
        var reasoning = new JsonArray();
        foreach (var part in choice.Message.Parts)
        {
            switch (part)
            {
                case ThinkingPart thinking:
                    reasoning.Add(new JsonObject { ["thinking"] = thinking.Text, ["signature"] = thinking.Signature, ["family"] = thinking.SignatureFamily });
                    break;
                case RedactedThinkingPart redacted:
                    reasoning.Add(new JsonObject { ["redacted"] = redacted.Data, ["family"] = redacted.SignatureFamily });
                    break;
            }
        }

        return new JsonObject
        {
            ["text"] = choice.Message.GetText(),
            ["finish_reason"] = Name(choice.FinishReason),
            ["tool_calls"] = choice.Message.ToolCalls is { } calls
                ? new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["name"] = c.Name, ["arguments"] = c.ArgumentsJson })])
                : null,
            ["reasoning"] = reasoning,
            ["usage"] = Normalize(response.Usage!),
        };
    }

    private static JsonObject Normalize(ChatStreamUpdate update)
    {
        var o = new JsonObject();
        if (update.Role is { } role)
        {
            o["role"] = role.ToString().ToLowerInvariant();
        }

        if (update.ThinkingDelta is { } thinking)
        {
            o["thinking"] = thinking;
        }

        if (update.ThinkingSignature is { } signature)
        {
            o["signature"] = signature;
            o["family"] = update.SignatureFamily;
        }

        if (update.TextDelta is { } text)
        {
            o["text"] = text;
        }

        foreach (var call in update.ToolCalls ?? [])
        {
            o["tool_call"] = new JsonObject { ["index"] = call.Index, ["id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.ArgumentsDelta };
        }

        if (update.FinishReason is { } finish)
        {
            o["finish_reason"] = Name(finish);
        }

        if (update.Usage is { } usage)
        {
            o["usage"] = Normalize(usage);
        }

        return o;
    }

    private static JsonObject Normalize(ChatUsage usage) => new()
    {
        ["input"] = usage.InputTokens,
        ["cached"] = usage.CachedInputTokens,
        ["cache_write"] = usage.CacheWriteTokens,
        ["output"] = usage.OutputTokens,
    };

    private static string? Name(FinishReason? reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => null,
    };

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonNode ReadJson(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "bedrock", name)))!;

    private static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
}
