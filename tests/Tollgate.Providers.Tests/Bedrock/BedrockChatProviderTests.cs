using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Embeddings;
using Tollgate.Providers.Bedrock;
using Tollgate.Testing.Bedrock;

namespace Tollgate.Providers.Tests.Bedrock;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class BedrockChatProviderTests : IAsyncLifetime
{
    private const string Claude = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private const string PngData = "data:image/png;base64,iVBORw0KGgo=";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private FakeBedrockUpstream _upstream = null!;
    private HttpClient _httpClient = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeBedrockUpstream.StartAsync().WaitAsync(Bound);
#pragma warning disable RS0030 // tests own their client
        _httpClient = new HttpClient(new SocketsHttpHandler());
#pragma warning restore RS0030
    }

    public async Task DisposeAsync()
    {
        _httpClient.Dispose();
        await _upstream.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task CompleteAsync_InferenceProfileId_SignedPathEncodedAndAnswerEchoed()
    {
        var response = await CreateProvider().CompleteAsync(Request(Claude, "hello brave new world"), CancellationToken.None).WaitAsync(Bound);

        var choice = Assert.Single(response.Choices);
        Assert.Equal("hello brave new world", choice.Message.GetText());
        Assert.Equal(FinishReason.Stop, choice.FinishReason);
        Assert.Equal("bedrock-req-0001", response.Id);
        Assert.Equal(Claude, response.Model);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", sent.RawTarget);
        Assert.Equal(Claude, sent.ModelId);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=" + FakeBedrockUpstream.AccessKeyId + "/", sent.Headers["authorization"], StringComparison.Ordinal);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date,", sent.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal("application/json", sent.Headers["content-type"]);
        Assert.Equal("hello brave new world", (string?)sent.Body!["messages"]![0]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task CompleteAsync_ArnModelId_SlashesEncodedAndSignatureAccepted()
    {
        const string Arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0";

        var response = await CreateProvider().CompleteAsync(Request(Arn, "through an arn"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("through an arn", response.Choices[0].Message.GetText());
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse", sent.RawTarget);
        Assert.Equal(Arn, sent.ModelId);
    }

    [Fact]
    public async Task CompleteAsync_SessionToken_SentAndSigned()
    {
        await using var upstream = await FakeBedrockUpstream.StartAsync(sessionToken: "FwoGZXIvYXdzEXAMPLE").WaitAsync(Bound);
        var provider = CreateProvider(upstream, sessionToken: "FwoGZXIvYXdzEXAMPLE");

        var response = await provider.CompleteAsync(Request(Claude, "temporary credentials"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("temporary credentials", response.Choices[0].Message.GetText());
        var sent = Assert.Single(upstream.Requests);
        Assert.Equal("FwoGZXIvYXdzEXAMPLE", sent.Headers["x-amz-security-token"]);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", sent.Headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_WrongSecret_Upstream403InvalidSignature()
    {
        var provider = CreateProvider(secret: "not-the-secret");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request(Claude, "hi"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ProviderErrorKind.Upstream, ex.Kind);
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.Equal("authentication_error", ex.ErrorType);
    }

    [Fact]
    public async Task CompleteAsync_CacheUsage_InputTokensIncludeCacheReadsAndWrites()
    {
        _upstream.CacheReadInputTokens = 100;
        _upstream.CacheWriteInputTokens = 20;
        var request = new ChatRequest
        {
            Model = Claude,
            Messages =
            [
                new ChatMessage(ChatRole.System, [new TextPart("You are a cached assistant") { CacheControl = CacheControl.Ephemeral }]),
                new ChatMessage(ChatRole.User, [new TextPart("cache me please") { CacheControl = new CacheControl(Ttl: "1h") }]),
            ],
        };

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        // Bedrock's inputTokens (5 + 3 words here) excludes the cache counts, which are added in.
        Assert.Equal(new ChatUsage { InputTokens = 8 + 100 + 20, CachedInputTokens = 100, CacheWriteTokens = 20, OutputTokens = 3 }, response.Usage);
        var body = Assert.Single(_upstream.Requests).Body!;
        Assert.Equal("""[{"text":"You are a cached assistant"},{"cachePoint":{"type":"default"}}]""", body["system"]!.ToJsonString());
        Assert.Equal("""[{"text":"cache me please"},{"cachePoint":{"type":"default","ttl":"1h"}}]""", body["messages"]![0]!["content"]!.ToJsonString());
    }

    [Fact]
    public async Task CompleteAsync_MaxTokensAndStop_SentInInferenceConfig()
    {
        var request = Request(Claude, "one two three four five");
        request.MaxTokens = 2;
        request.Temperature = 0.5;
        request.TopP = 0.9;
        request.TopK = 40;
        request.Stop = ["END"];

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("one two", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
        var body = Assert.Single(_upstream.Requests).Body!;
        Assert.Equal("""{"maxTokens":2,"temperature":0.5,"topP":0.9,"stopSequences":["END"]}""", body["inferenceConfig"]!.ToJsonString());
        Assert.Equal("""{"top_k":40}""", body["additionalModelRequestFields"]!.ToJsonString());
    }

    [Fact]
    public async Task CompleteAsync_ToolsTwoTurns_ToolUseAndResultPairedById()
    {
        var provider = CreateProvider();
        var tools = new List<ToolDefinition> { new("get_weather", "The weather in a city.", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement) };
        var first = new ChatRequest { Model = Claude, Messages = [ChatMessage.FromText(ChatRole.User, "call: Oslo")], Tools = tools };

        var answer = await provider.CompleteAsync(first, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(FinishReason.ToolCalls, answer.Choices[0].FinishReason);
        var call = Assert.Single(answer.Choices[0].Message.ToolCalls!);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"echo":"call: Oslo"}""", call.ArgumentsJson);

        var second = new ChatRequest
        {
            Model = Claude,
            Tools = tools,
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "call: Oslo"),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [call] },
                new ChatMessage(ChatRole.Tool, [new TextPart("snowing")]) { ToolCallId = call.Id, IsError = true },
                ChatMessage.FromText(ChatRole.User, "and tomorrow?"),
            ],
        };
        var final = await provider.CompleteAsync(second, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("snowing and tomorrow?", final.Choices[0].Message.GetText());
        var messages = _upstream.Requests[^1].Body!["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        Assert.Equal(call.Id, (string?)messages[1]!["content"]![0]!["toolUse"]!["toolUseId"]);
        var result = messages[2]!["content"]![0]!["toolResult"]!;
        Assert.Equal(call.Id, (string?)result["toolUseId"]);
        Assert.Equal("error", (string?)result["status"]);
        Assert.Equal("and tomorrow?", (string?)messages[2]!["content"]![1]!["text"]);
    }

    [Fact]
    public async Task CompleteAsync_ImageAndDocument_SentAsBytesWithDerivedNames()
    {
        var request = new ChatRequest
        {
            Model = Claude,
            Messages =
            [
                new ChatMessage(ChatRole.User,
                [
                    new TextPart("describe these"),
                    new ImagePart(PngData),
                    new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0=", FileName = "Q3 report.final.pdf" },
                    new DocumentPart { Text = "plain notes", Title = "notes: draft/1" },
                ]),
            ],
        };

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("describe these", response.Choices[0].Message.GetText());
        var content = Assert.Single(_upstream.Requests).Body!["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("""{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}""", content[1]!.ToJsonString());
        Assert.Equal("""{"document":{"format":"pdf","name":"Q3 report final","source":{"bytes":"JVBERi0="}}}""", content[2]!.ToJsonString());
        Assert.Equal("txt", (string?)content[3]!["document"]!["format"]);
        Assert.Equal("notes draft 1", (string?)content[3]!["document"]!["name"]);
        Assert.Equal("plain notes", Encoding.UTF8.GetString(Convert.FromBase64String((string)content[3]!["document"]!["source"]!["bytes"]!)));
    }

    [Fact]
    public async Task CompleteAsync_ImageUrl_Refused400WithoutCallingUpstream()
    {
        var request = new ChatRequest { Model = Claude, Messages = [new ChatMessage(ChatRole.User, [new ImagePart("https://example.com/cat.png")])] };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("image given by URL", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task CompleteAsync_Reasoning_SignatureRoundTrips()
    {
        var provider = CreateProvider();
        var request = Request(Claude, "think first");
        request.Reasoning = new ReasoningOptions { Effort = "low" };

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        var parts = response.Choices[0].Message.Parts;
        var thinking = Assert.IsType<ThinkingPart>(parts[0]);
        Assert.Equal("Thinking about: think first", thinking.Text);
        Assert.StartsWith("sig-", thinking.Signature, StringComparison.Ordinal);
        Assert.Equal(SignatureFamilies.Anthropic, thinking.SignatureFamily);
        Assert.Equal("think first", response.Choices[0].Message.GetText());
        Assert.Equal("""{"thinking":{"type":"enabled","budget_tokens":2048}}""", _upstream.Requests[0].Body!["additionalModelRequestFields"]!.ToJsonString());

        var next = new ChatRequest
        {
            Model = Claude,
            Reasoning = new ReasoningOptions { BudgetTokens = 1024 },
            Messages = [ChatMessage.FromText(ChatRole.User, "think first"), response.Choices[0].Message, ChatMessage.FromText(ChatRole.User, "again")],
        };
        await provider.CompleteAsync(next, CancellationToken.None).WaitAsync(Bound);

        var assistant = _upstream.Requests[1].Body!["messages"]![1]!["content"]!.AsArray();
        Assert.Equal("Thinking about: think first", (string?)assistant[0]!["reasoningContent"]!["reasoningText"]!["text"]);
        Assert.Equal(thinking.Signature, (string?)assistant[0]!["reasoningContent"]!["reasoningText"]!["signature"]);
        Assert.Equal("think first", (string?)assistant[1]!["text"]);
    }

    [Fact]
    public async Task CompleteAsync_ReasoningOnNonClaudeModel_Refused400()
    {
        var request = Request("amazon.nova-pro-v1:0", "think");
        request.Reasoning = new ReasoningOptions { BudgetTokens = 2000 };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("unsupported_feature", ex.ErrorCode);
        Assert.Contains("amazon.nova-pro-v1:0", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task CompleteAsync_JsonMode_ForcedToolInputIsTheAnswer()
    {
        var request = Request(Claude, "give json");
        request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject);

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("""{"echo":"give json"}""", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
        Assert.Null(response.Choices[0].Message.ToolCalls);
        Assert.Equal("""{"tool":{"name":"json_response"}}""", _upstream.Requests[0].Body!["toolConfig"]!["toolChoice"]!.ToJsonString());
    }

    public static TheoryData<string, int, string, string> ErrorScenarios => new()
    {
        { "bedrock-400", 400, "ValidationException", "invalid_request_error" },
        { "bedrock-403", 403, "AccessDeniedException", "permission_error" },
        { "bedrock-404", 404, "ResourceNotFoundException", "not_found_error" },
        { "bedrock-408", 408, "ModelTimeoutException", "timeout_error" },
        { "bedrock-424", 424, "ModelErrorException", "api_error" },
        { "bedrock-429", 429, "ThrottlingException", "rate_limit_error" },
        { "bedrock-not-ready", 429, "ModelNotReadyException", "api_error" },
        { "bedrock-500", 500, "InternalServerException", "api_error" },
        { "bedrock-503", 503, "ServiceUnavailableException", "api_error" },
    };

    [Theory]
    [MemberData(nameof(ErrorScenarios))]
    public async Task CompleteAsync_UpstreamError_MappedWithStatusTypeAndMessage(string model, int status, string bedrockType, string openAIType)
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => CreateProvider().CompleteAsync(Request(model, "hi"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ProviderErrorKind.Upstream, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(bedrockType, ex.ErrorCode);
        Assert.Equal(openAIType, ex.ErrorType);
        Assert.False(string.IsNullOrEmpty(ex.Message));
        Assert.DoesNotContain("status", ex.Message, StringComparison.Ordinal);
        if (status == 429)
        {
            Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        }
    }

    [Fact]
    public async Task StreamAsync_Text_DeltasThenFinishThenUsage()
    {
        var updates = await CollectAsync(CreateProvider().StreamAsync(Request(Claude, "stream these four words"), CancellationToken.None));

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal("stream these four words", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(4, updates.Count(u => u.TextDelta is not null));
        Assert.Equal(FinishReason.Stop, updates[^2].FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 4, OutputTokens = 4 }, updates[^1].Usage);
        Assert.All(updates, u => Assert.Equal("bedrock-req-0001", u.Id));
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream", sent.RawTarget);
        Assert.Equal("application/vnd.amazon.eventstream", sent.Headers["accept"]);
    }

    [Fact]
    public async Task StreamAsync_ToolCall_StartThenArgumentFragments()
    {
        var request = Request(Claude, "weather please");
        request.Tools = [new ToolDefinition("get_weather", null, null)];
        request.ToolChoice = new ToolChoice(ToolChoiceMode.Required);

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        var calls = updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!).ToList();
        Assert.Equal("tooluse_stream", calls[0].Id);
        Assert.Equal("get_weather", calls[0].Name);
        Assert.Equal("""{"echo":"weather please"}""", string.Concat(calls.Select(c => c.ArgumentsDelta)));
        Assert.All(calls, c => Assert.Equal(0, c.Index));
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal("""{"any":{}}""", _upstream.Requests[0].Body!["toolConfig"]!["toolChoice"]!.ToJsonString());
        Assert.Equal("""{"type":"object","properties":{}}""", _upstream.Requests[0].Body!["toolConfig"]!["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!.ToJsonString());
    }

    [Fact]
    public async Task StreamAsync_Reasoning_ThinkingDeltasThenSignature()
    {
        var request = Request(Claude, "ponder this");
        request.Reasoning = new ReasoningOptions { BudgetTokens = 1500 };

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("Thinking about: ponder this", string.Concat(updates.Select(u => u.ThinkingDelta)));
        var signed = Assert.Single(updates, u => u.ThinkingSignature is not null);
        Assert.StartsWith("sig-", signed.ThinkingSignature, StringComparison.Ordinal);
        Assert.Equal(SignatureFamilies.Anthropic, signed.SignatureFamily);
        Assert.True(updates.IndexOf(signed) < updates.FindIndex(u => u.TextDelta is not null));
        Assert.Equal("ponder this", string.Concat(updates.Select(u => u.TextDelta)));
    }

    [Fact]
    public async Task StreamAsync_MidstreamThrottlingException_Throws429AfterDeltas()
    {
        var updates = new List<ChatStreamUpdate>();
        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in CreateProvider().StreamAsync(Request("bedrock-midstream-throttle", "one two three four"), CancellationToken.None).WithCancellation(CancellationToken.None))
            {
                updates.Add(update);
            }
        }).WaitAsync(Bound);

        Assert.Equal("one two", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal("ThrottlingException", ex.ErrorCode);
        Assert.Equal("Too many tokens, please wait before trying again.", ex.Message);
    }

    [Fact]
    public async Task StreamAsync_CorruptedCrc_InvalidResponse502()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(CreateProvider().StreamAsync(Request("bedrock-bad-crc", "one two three four"), CancellationToken.None)));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task StreamAsync_EndsBeforeMessageStop_InvalidResponse502()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(CreateProvider().StreamAsync(Request("bedrock-truncated", "one two three four"), CancellationToken.None)));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("messageStop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ErrorBeforeStream_ThrowsMappedError()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(CreateProvider().StreamAsync(Request("bedrock-429", "hi"), CancellationToken.None)));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("ThrottlingException", ex.ErrorCode);
    }

    [Fact]
    public async Task EmbedAsync_TitanV2_OneCallPerInputWithDimensionsAndSummedTokens()
    {
        var request = new EmbeddingRequest { Model = "amazon.titan-embed-text-v2:0", Inputs = ["one two", "three four five"], Dimensions = 256 };

        var response = await CreateProvider().EmbedAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(2, response.Vectors.Count);
        Assert.Equal(256, response.Vectors[0].Length);
        Assert.Equal(2f, response.Vectors[0][0]);
        Assert.Equal(3f, response.Vectors[1][0]);
        Assert.Equal(5, response.InputTokens);
        Assert.Equal(2, _upstream.Requests.Count);
        Assert.Equal("/model/amazon.titan-embed-text-v2%3A0/invoke", _upstream.Requests[0].RawTarget);
        Assert.Equal("""{"inputText":"one two","dimensions":256,"normalize":true}""", _upstream.Requests[0].RawBody);
    }

    [Fact]
    public async Task EmbedAsync_Cohere_OneBatchAndTokensFromHeader()
    {
        var request = new EmbeddingRequest { Model = "cohere.embed-english-v3", Inputs = ["alpha beta", "gamma"] };

        var response = await CreateProvider().EmbedAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal([2f, 1f], response.Vectors.Select(v => v[0]));
        Assert.Equal(3, response.InputTokens);
        Assert.Equal("""{"texts":["alpha beta","gamma"],"input_type":"search_document"}""", Assert.Single(_upstream.Requests).RawBody);
    }

    [Fact]
    public async Task EmbedAsync_UnknownFamily_Refused400()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => CreateProvider().EmbedAsync(new EmbeddingRequest { Model = "meta.llama3-8b", Inputs = ["x"] }, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(400, ex.StatusCode);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public void Factory_SettingsFromEnvironment_DefaultBaseUrlFromRegion()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDENV",
            ["AWS_SECRET_ACCESS_KEY"] = "envsecret",
            ["AWS_SESSION_TOKEN"] = "envtoken",
            ["AWS_DEFAULT_REGION"] = "eu-west-3",
        };

        var options = BedrockProviderOptions.FromConfig(new ProviderConfig { Name = "aws", Type = "bedrock" }, n => environment.GetValueOrDefault(n));

        Assert.Equal("eu-west-3", options.Region);
        Assert.Equal(new Uri("https://bedrock-runtime.eu-west-3.amazonaws.com"), options.BaseUri);
        Assert.Equal(new AwsCredentials("AKIDENV", "envsecret", "envtoken"), options.Credentials);
        Assert.Equal(
            "https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
            options.OperationUri("anthropic.claude-3-haiku-20240307-v1:0", "converse").AbsoluteUri);
    }

    [Fact]
    public void Factory_ConfigWinsOverEnvironment()
    {
        var config = Config(_upstream.BaseUrl, FakeBedrockUpstream.SecretAccessKey, null);

        var options = BedrockProviderOptions.FromConfig(config, n => n == "AWS_REGION" ? "ap-south-1" : "from-env");

        Assert.Equal("us-east-1", options.Region);
        Assert.Equal(new Uri(_upstream.BaseUrl), options.BaseUri);
        Assert.Equal(new AwsCredentials(FakeBedrockUpstream.AccessKeyId, FakeBedrockUpstream.SecretAccessKey, "from-env"), options.Credentials);
    }

    [Theory]
    [InlineData(null, "AKID", "secret", "no region")]
    [InlineData("us-east-1", null, "secret", "no AWS credentials")]
    [InlineData("us-east-1", "AKID", null, "no AWS credentials")]
    public void Factory_MissingSetting_ClearError(string? region, string? key, string? secret, string expected)
    {
        var settings = new Dictionary<string, ConfigValue>();
        var config = new ProviderConfig { Name = "aws", Type = "bedrock", Settings = settings };
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = region, ["AWS_ACCESS_KEY_ID"] = key, ["AWS_SECRET_ACCESS_KEY"] = secret };

        var ex = Assert.Throws<ArgumentException>(() => new BedrockChatProviderFactory().Create(config, Context() with { GetEnvironmentVariable = n => environment.GetValueOrDefault(n) }));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'aws'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_SettingsAndCapabilities_AreDeclaredTruthfully()
    {
        var factory = new BedrockChatProviderFactory();
        var capabilities = CreateProvider().Capabilities;

        Assert.Equal("bedrock", factory.Type);
        Assert.Equal(["region", "access_key_id", "secret_access_key", "session_token"], factory.Settings.Select(s => s.Key));
        Assert.Equal(WireFormat.None, capabilities.NativeFormat);
        Assert.True(capabilities.Vision && capabilities.Documents && capabilities.Tools && capabilities.JsonOutput && capabilities.TopK);
        Assert.True(capabilities.Reasoning && capabilities.PromptCaching && capabilities.Embeddings);
        Assert.Equal(SignatureFamilies.Anthropic, capabilities.SignatureFamily);
        Assert.False(capabilities.Logprobs || capabilities.Seed || capabilities.MultipleChoices || capabilities.Penalties || capabilities.Citations || capabilities.AnthropicBetas);
    }

    [Fact]
    public async Task CompleteAsync_SigningTime_ComesFromTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var provider = new BedrockChatProviderFactory().Create(Config(_upstream.BaseUrl, FakeBedrockUpstream.SecretAccessKey, null), Context(time));

        var response = await provider.CompleteAsync(Request(Claude, "clock"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(time.GetUtcNow(), response.Created);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("20250304T050607Z", sent.Headers["x-amz-date"]);
        Assert.Contains("/20250304/us-east-1/bedrock/aws4_request", sent.Headers["authorization"], StringComparison.Ordinal);
    }

    private static ChatRequest Request(string model, string text) => new()
    {
        Model = model,
        Messages = [ChatMessage.FromText(ChatRole.User, text)],
    };

    private static async Task<List<ChatStreamUpdate>> CollectAsync(IAsyncEnumerable<ChatStreamUpdate> stream)
    {
        var updates = new List<ChatStreamUpdate>();
        async Task RunAsync()
        {
            await foreach (var update in stream)
            {
                updates.Add(update);
            }
        }

        await RunAsync().WaitAsync(Bound);
        return updates;
    }

    private static ProviderConfig Config(string baseUrl, string secret, string? sessionToken)
    {
        var settings = new Dictionary<string, ConfigValue>
        {
            ["region"] = ConfigValue.FromScalar("us-east-1"),
            ["access_key_id"] = ConfigValue.FromScalar(FakeBedrockUpstream.AccessKeyId),
            ["secret_access_key"] = ConfigValue.FromScalar(secret),
        };
        if (sessionToken is not null)
        {
            settings["session_token"] = ConfigValue.FromScalar(sessionToken);
        }

        return new ProviderConfig { Name = "aws", Type = "bedrock", BaseUrl = baseUrl, Settings = settings };
    }

    private ProviderContext Context(TimeProvider? time = null) =>
        new(_httpClient, time ?? TimeProvider.System, new Random(1), NullLoggerFactory.Instance) { GetEnvironmentVariable = _ => null };

    private IChatProvider CreateProvider(FakeBedrockUpstream? upstream = null, string secret = FakeBedrockUpstream.SecretAccessKey, string? sessionToken = null) =>
        new BedrockChatProviderFactory().Create(Config((upstream ?? _upstream).BaseUrl, secret, sessionToken), Context());
}
