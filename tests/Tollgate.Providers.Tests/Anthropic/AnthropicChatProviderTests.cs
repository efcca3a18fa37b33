using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Embeddings;
using Tollgate.Providers.Anthropic;
using Tollgate.Testing.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class AnthropicChatProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private FakeAnthropicUpstream _upstream = null!;
    private HttpClient _httpClient = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeAnthropicUpstream.StartAsync().WaitAsync(Bound);
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
    public async Task CompleteAsync_Text_EchoesAndSendsDocumentedHeaders()
    {
        _upstream.CacheReadInputTokens = 5;
        _upstream.CacheCreationInputTokens = 3;
        var provider = CreateProvider(trailingSlash: true);

        var response = await provider.CompleteAsync(Request("claude-sonnet-4-5", "hello brave new world"), CancellationToken.None).WaitAsync(Bound);

        var choice = Assert.Single(response.Choices);
        Assert.Equal("hello brave new world", choice.Message.GetText());
        Assert.Equal(FinishReason.Stop, choice.FinishReason);
        Assert.StartsWith("msg_fake_", response.Id, StringComparison.Ordinal);
        Assert.Equal(new ChatUsage { InputTokens = 4 + 5 + 3, CachedInputTokens = 5, CacheWriteTokens = 3, OutputTokens = 4 }, response.Usage);

        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal("sk-ant-test", sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.StartsWith("application/json", sent.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(64000, (int)sent.Body!["max_tokens"]!);
    }

    [Fact]
    public async Task CompleteAsync_MaxTokens_CutsWithLength()
    {
        var request = Request("claude-sonnet-4-5", "one two three four");
        request.MaxTokens = 2;

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("one two", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_StopSequence_CutsWithStop()
    {
        var request = Request("claude-sonnet-4-5", "one two END three");
        request.Stop = ["END"];

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("one two ", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_RequiredTool_ReturnsToolCall()
    {
        var request = Request("claude-sonnet-4-5", "weather please");
        request.Tools = [new ToolDefinition("get_weather", "Weather", null)];
        request.ToolChoice = new ToolChoice(ToolChoiceMode.Required);

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        var call = Assert.Single(response.Choices[0].Message.ToolCalls!);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"echo":"weather please"}""", call.ArgumentsJson);
        Assert.Equal(FinishReason.ToolCalls, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_ToolResultTurn_SendsToolResultAndAnswers()
    {
        var request = new ChatRequest
        {
            Model = "claude-sonnet-4-5",
            Tools = [new ToolDefinition("get_weather", null, null)],
            Messages =
            [
                ChatMessage.FromText(ChatRole.User, "call: weather"),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("toolu_1", "get_weather", """{"echo":"call: weather"}""")] },
                new ChatMessage(ChatRole.Tool, [new TextPart("sunny")]) { ToolCallId = "toolu_1" },
            ],
        };

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("sunny", response.Choices[0].Message.GetText());
        var sent = _upstream.Requests[^1].Body!;
        Assert.Equal("tool_result", (string)sent["messages"]![2]!["content"]![0]!["type"]!);
    }

    [Fact]
    public async Task CompleteAsync_JsonMode_ReturnsJsonText()
    {
        var request = Request("claude-sonnet-4-5", "give json");
        request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject);

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("""{"echo":"give json"}""", response.Choices[0].Message.GetText());
        Assert.Null(response.Choices[0].Message.ToolCalls);
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task StreamAsync_Text_YieldsRoleDeltasFinishAndUsage()
    {
        var request = Request("claude-sonnet-4-5", "streams are fun to read");
        request.Stream = true;

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal("streams are fun to read", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 5, OutputTokens = 5 }, updates[^1].Usage);
        Assert.True((bool)_upstream.Requests[^1].Body!["stream"]!);
    }

    [Fact]
    public async Task StreamAsync_Tool_YieldsToolCallPieces()
    {
        var request = Request("claude-sonnet-4-5", "call: lookup");
        request.Tools = [new ToolDefinition("lookup", null, null)];

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        var pieces = updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!).ToList();
        Assert.Equal("lookup", pieces[0].Name);
        Assert.StartsWith("toolu_", pieces[0].Id, StringComparison.Ordinal);
        Assert.All(pieces, p => Assert.Equal(0, p.Index));
        Assert.Equal("""{"echo":"call: lookup"}""", string.Concat(pieces.Select(p => p.ArgumentsDelta)));
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task StreamAsync_JsonMode_YieldsJsonTextDeltas()
    {
        var request = Request("claude-sonnet-4-5", "json stream");
        request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject);

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        var text = string.Concat(updates.Select(u => u.TextDelta));
        Assert.Equal("json stream", JsonDocument.Parse(text).RootElement.GetProperty("echo").GetString());
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_RateLimited_Throws429WithRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => CreateProvider().CompleteAsync(Request("anthropic-429", "hi"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ProviderErrorKind.Upstream, ex.Kind);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact]
    public async Task CompleteAsync_Overloaded_Throws529()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => CreateProvider().CompleteAsync(Request("anthropic-529", "hi"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(529, ex.StatusCode);
        Assert.Equal("overloaded_error", ex.ErrorType);
        Assert.Equal("Overloaded", ex.Message);
    }

    [Fact]
    public async Task StreamAsync_ServerError_Throws500BeforeAnyUpdate()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => CollectAsync(CreateProvider().StreamAsync(Request("anthropic-500", "hi"), CancellationToken.None)));

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal("api_error", ex.ErrorType);
    }

    [Fact]
    public async Task StreamAsync_MidstreamError_ThrowsAfterDeltas()
    {
        var seen = new List<ChatStreamUpdate>();
        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in CreateProvider().StreamAsync(Request("anthropic-midstream-error", "a b c d e"), CancellationToken.None).WithCancellation(CancellationToken.None))
            {
                seen.Add(update);
            }
        }).WaitAsync(Bound);

        Assert.Equal(529, ex.StatusCode);
        Assert.Equal("a b", string.Concat(seen.Select(u => u.TextDelta)));
    }

    [Fact]
    public async Task StreamAsync_EndsWithoutMessageStop_ThrowsInvalidResponse502()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => CollectAsync(CreateProvider().StreamAsync(Request("anthropic-truncated", "a b c d e"), CancellationToken.None)));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task CompleteAsync_MissingApiKey_ThrowsAuthenticationError()
    {
        var provider = CreateProvider(apiKey: null);

        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => provider.CompleteAsync(Request("claude-sonnet-4-5", "hi"), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("authentication_error", ex.ErrorType);
    }

    [Fact]
    public async Task CompleteAsync_MultipleChoices_Refused400WithoutCallingUpstream()
    {
        var request = Request("claude-sonnet-4-5", "hi");
        request.N = 2;

        var ex = await Assert.ThrowsAsync<ProviderException>(
            () => CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_AbortsUpstream()
    {
        using var cts = new CancellationTokenSource();
        var enumerator = CreateProvider().StreamAsync(Request("anthropic-hang", "hi"), cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
            Assert.Equal(ChatRole.Assistant, enumerator.Current.Role);

            var next = enumerator.MoveNextAsync().AsTask();
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Bound));
            await _upstream.WaitForAbortAsync().WaitAsync(Bound);
            Assert.Equal(1, _upstream.AbortedRequests);
        }
        finally
        {
            await enumerator.DisposeAsync().AsTask().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task EmbedAsync_Always_Unsupported()
    {
        var request = new EmbeddingRequest { Model = "claude-sonnet-4-5", Inputs = ["x"] };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => CreateProvider().EmbedAsync(request, CancellationToken.None).WaitAsync(Bound));

        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Contains("Embeddings", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_DeclaresTypeSettingsAndCapabilities()
    {
        var factory = new AnthropicChatProviderFactory();
        var capabilities = CreateProvider().Capabilities;

        Assert.Equal("anthropic", factory.Type);
        Assert.Equal(["anthropic_version", "default_max_tokens", "max_tokens"], factory.Settings.Select(s => s.Key));
        Assert.Equal(ConfigValueKind.Integer, factory.Settings.Single(s => s.Key == "max_tokens").MapValueKind);
        Assert.Equal(WireFormat.Anthropic, capabilities.NativeFormat);
        Assert.True(capabilities.Vision && capabilities.Tools && capabilities.JsonOutput);
        Assert.True(capabilities.Documents && capabilities.TopK && capabilities.Reasoning && capabilities.PromptCaching && capabilities.Citations && capabilities.AnthropicBetas);
        Assert.Equal(SignatureFamilies.Anthropic, capabilities.SignatureFamily);
        Assert.False(capabilities.Logprobs || capabilities.Seed || capabilities.MultipleChoices || capabilities.Penalties || capabilities.Embeddings);
    }

    [Fact]
    public async Task CompleteAsync_Betas_SentAsOneCommaJoinedHeader()
    {
        var request = Request("claude-sonnet-4-5", "beta please");
        request.Betas = ["files-api-2025-04-14", "interleaved-thinking-2025-05-14"];

        await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("files-api-2025-04-14,interleaved-thinking-2025-05-14", Assert.Single(_upstream.Requests).Headers["anthropic-beta"]);
    }

    [Fact]
    public async Task CompleteAsync_NoBetas_NoBetaHeader()
    {
        await CreateProvider().CompleteAsync(Request("claude-sonnet-4-5", "plain"), CancellationToken.None).WaitAsync(Bound);

        Assert.False(Assert.Single(_upstream.Requests).Headers.ContainsKey("anthropic-beta"));
    }

    [Fact]
    public async Task CompleteAsync_ReasoningEffort_ThinkingConfigSentAndSignedThinkingReturned()
    {
        var request = Request("claude-sonnet-4-5", "think about it");
        request.Reasoning = new ReasoningOptions { Effort = "low" };

        var response = await CreateProvider().CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        var thinking = Assert.IsType<ThinkingPart>(response.Choices[0].Message.Parts[0]);
        Assert.Equal("Thinking about: think about it", thinking.Text);
        Assert.StartsWith("sig_msg_fake_", thinking.Signature, StringComparison.Ordinal);
        Assert.Equal(SignatureFamilies.Anthropic, thinking.SignatureFamily);
        Assert.Equal("think about it", response.Choices[0].Message.GetText());
        var sent = Assert.Single(_upstream.Requests).Body!;
        Assert.Equal("enabled", (string?)sent["thinking"]!["type"]);
        Assert.Equal(2048, (int)sent["thinking"]!["budget_tokens"]!);
    }

    [Fact]
    public async Task StreamAsync_ReasoningEffort_ThinkingDeltasThenSignatureThenText()
    {
        var request = Request("claude-sonnet-4-5", "stream a thought");
        request.Reasoning = new ReasoningOptions { Effort = "minimal" };

        var updates = await CollectAsync(CreateProvider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("Thinking about: stream a thought", string.Concat(updates.Select(u => u.ThinkingDelta)));
        var signed = Assert.Single(updates, u => u.ThinkingSignature is not null);
        Assert.Equal(SignatureFamilies.Anthropic, signed.SignatureFamily);
        Assert.True(updates.IndexOf(signed) < updates.FindIndex(u => u.TextDelta is { Length: > 0 }));
        Assert.Equal("stream a thought", string.Concat(updates.Select(u => u.TextDelta)));
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

    private IChatProvider CreateProvider(bool trailingSlash = false, string? apiKey = "sk-ant-test")
    {
        var config = new ProviderConfig
        {
            Name = "claude",
            Type = "anthropic",
            BaseUrl = _upstream.BaseUrl + (trailingSlash ? "/" : string.Empty),
            ApiKey = apiKey,
        };
        return new AnthropicChatProviderFactory().Create(config, new ProviderContext(_httpClient, TimeProvider.System, new Random(1), NullLoggerFactory.Instance));
    }
}
