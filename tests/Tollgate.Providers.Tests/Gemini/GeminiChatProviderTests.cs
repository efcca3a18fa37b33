using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Embeddings;
using Tollgate.Testing.Gemini;
using static Tollgate.Providers.Tests.Gemini.GeminiTestContext;

namespace Tollgate.Providers.Tests.Gemini;

/// <summary><c>type: gemini</c> against <see cref="FakeGeminiUpstream"/>: the Gemini API paths, key header, mapping both ways.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class GeminiChatProviderTests : IAsyncLifetime
{
    private FakeGeminiUpstream _upstream = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeGeminiUpstream.StartAsync().WaitAsync(Bound);
#pragma warning disable RS0030 // tests own their client
        _http = new HttpClient(new SocketsHttpHandler());
#pragma warning restore RS0030
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _upstream.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Fact]
    public async Task CompleteAsync_Text_KeyInHeaderNeverInUrl()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl + "/");

        var response = await provider.CompleteAsync(Request("gemini-2.5-flash", "hello brave new world"), CancellationToken.None).WaitAsync(Bound);

        var choice = Assert.Single(response.Choices);
        Assert.Equal("hello brave new world", choice.Message.GetText());
        Assert.Equal(FinishReason.Stop, choice.FinishReason);
        Assert.StartsWith("resp-", response.Id, StringComparison.Ordinal);
        Assert.Equal(new ChatUsage { InputTokens = 4, OutputTokens = 4 }, response.Usage);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", sent.Path);
        Assert.Equal(string.Empty, sent.Query);
        Assert.Equal("gm-test-key", sent.Headers["x-goog-api-key"]);
        Assert.False(sent.Headers.ContainsKey("authorization"));
        Assert.Null(sent.Body!["generationConfig"]);
    }

    [Fact]
    public async Task StreamAsync_Text_AltSseWordsThenFinishThenUsage()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var updates = await CollectAsync(provider.StreamAsync(Request("gemini-2.5-flash", "stream these five words please"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal("stream these five words please", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 5, OutputTokens = 5 }, updates[^1].Usage);
        Assert.True(updates.Count(u => u.TextDelta is { Length: > 0 }) >= 5);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent", sent.Path);
        Assert.Equal("?alt=sse", sent.Query);
        Assert.Equal("text/event-stream", sent.Headers["accept"]);
    }

    [Fact]
    public async Task StreamAsync_TwoCandidates_EachChoiceStreamsAndFinishes()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var updates = await CollectAsync(provider.StreamAsync(Request("gemini-2.5-flash", "red green blue", r => r.N = 2), CancellationToken.None)).WaitAsync(Bound);

        foreach (var index in new[] { 0, 1 })
        {
            Assert.Equal("red green blue", string.Concat(updates.Where(u => u.ChoiceIndex == index).Select(u => u.TextDelta)));
            Assert.Equal(FinishReason.Stop, Assert.Single(updates, u => u.ChoiceIndex == index && u.FinishReason is not null).FinishReason);
        }

        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 6 }, updates[^1].Usage);
    }

    [Fact]
    public async Task CompleteAsync_Gemini3ToolsOverTurns_SignaturesGoBackAndResultsAreNamed()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);
        var request = Request("gemini-3-tools", "weather in Paris?", r =>
        {
            r.Tools = [new ToolDefinition("get_weather", "Weather by city", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement.Clone())];
            r.Reasoning = new ReasoningOptions { Effort = "low" };
        });

        // Turn 1: a thought and a signed call.
        var first = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);
        var answer = first.Choices[0].Message;
        Assert.Equal(FinishReason.ToolCalls, first.Choices[0].FinishReason);
        var call = Assert.Single(answer.ToolCalls!);
        Assert.Equal(("get_weather", """{"city":"Paris"}""", "c2lnLWNhbGwtMQ==", SignatureFamilies.Gemini), (call.Name, call.ArgumentsJson, call.Signature, call.SignatureFamily));
        Assert.Equal("I should call the tool.", Assert.IsType<ThinkingPart>(Assert.Single(answer.Parts)).Text);
        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 1 + 5, ReasoningTokens = 5 }, first.Usage);
        var firstSent = _upstream.Requests[^1].Body!;
        Assert.Equal("low", (string?)firstSent["generationConfig"]!["thinkingConfig"]!["thinkingLevel"]);
        Assert.True((bool)firstSent["generationConfig"]!["thinkingConfig"]!["includeThoughts"]!);

        // Turn 2: the call goes back with its signature; the result is named after the call.
        request.Messages.Add(answer);
        request.Messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("18C")]) { ToolCallId = call.Id });
        var second = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("Results: get_weather=\"18C\"", second.Choices[0].Message.GetText());
        var contents = _upstream.Requests[^1].Body!["contents"]!.AsArray();
        Assert.Equal(3, contents.Count);
        Assert.Equal("c2lnLWNhbGwtMQ==", (string?)contents[1]!["parts"]![1]!["thoughtSignature"]);
        Assert.Equal("get_weather", (string?)contents[2]!["parts"]![0]!["functionResponse"]!["name"]);
    }

    [Fact]
    public async Task CompleteAsync_Gemini3ToolsWithoutSignature_UpstreamRefusal400()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);
        var request = Request("gemini-3-tools", "weather?", r => r.Tools = [new ToolDefinition("get_weather", null, null)]);
        request.Messages.Add(new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("call_x", "get_weather", "{}")] });
        request.Messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("18C")]) { ToolCallId = "call_x" });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(request, CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", ex.ErrorCode);
        Assert.Contains("thought_signature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ParallelToolsOverTurns_AssembledCallsKeepTheirSignature()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);
        var request = Request("gemini-parallel-tools", "weather in two cities", r => r.Tools = [new ToolDefinition("get_weather", null, null)]);

        var updates = await CollectAsync(provider.StreamAsync(request, CancellationToken.None)).WaitAsync(Bound);
        var answer = Assemble(updates);

        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(2, answer.ToolCalls!.Count);
        Assert.Equal("c2lnLWNhbGwtMQ==", answer.ToolCalls[0].Signature);
        Assert.Null(answer.ToolCalls[1].Signature);
        Assert.NotEqual(answer.ToolCalls[0].Id, answer.ToolCalls[1].Id);
        Assert.Equal("I should call the tool.", string.Concat(updates.Select(u => u.ThinkingDelta)));

        request.Messages.Add(answer);
        request.Messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("18C")]) { ToolCallId = answer.ToolCalls[0].Id });
        request.Messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("no data")]) { ToolCallId = answer.ToolCalls[1].Id, IsError = true });
        var second = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("Results: get_weather=\"18C\", get_weather=\"no data\"", second.Choices[0].Message.GetText());
        var results = _upstream.Requests[^1].Body!["contents"]![2]!["parts"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal("no data", (string?)results[1]!["functionResponse"]!["response"]!["error"]);
    }

    [Fact]
    public async Task CompleteAsync_Thinking_ThoughtPartsSignatureAndReasoningUsage()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var response = await provider.CompleteAsync(Request("gemini-thinking", "think about this", r => r.Reasoning = new ReasoningOptions { BudgetTokens = 2048 }), CancellationToken.None).WaitAsync(Bound);

        var parts = response.Choices[0].Message.Parts;
        Assert.Equal(new ThinkingPart("Thinking about it."), parts[0]);
        Assert.Equal(new ThinkingPart(string.Empty, "c2lnLXRleHQtMQ==") { SignatureFamily = SignatureFamilies.Gemini }, parts[1]);
        Assert.Equal(new TextPart("think about this"), parts[2]);
        Assert.Equal(new ChatUsage { InputTokens = 3, CachedInputTokens = 2, OutputTokens = 3 + 7, ReasoningTokens = 7 }, response.Usage);
        Assert.Equal(2048, (int)_upstream.Requests[^1].Body!["generationConfig"]!["thinkingConfig"]!["thinkingBudget"]!);
    }

    [Fact]
    public async Task StreamAsync_Thinking_SignatureOnTextComesBeforeIt()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var updates = await CollectAsync(provider.StreamAsync(Request("gemini-thinking", "one two"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal("Thinking about it.", string.Concat(updates.Select(u => u.ThinkingDelta)));
        var signature = updates.FindIndex(u => u.ThinkingSignature == "c2lnLXRleHQtMQ==");
        Assert.True(signature > updates.FindIndex(u => u.TextDelta == "one "));
        Assert.Equal(new ChatUsage { InputTokens = 2, CachedInputTokens = 2, OutputTokens = 2 + 7, ReasoningTokens = 7 }, updates[^1].Usage);
    }

    [Fact]
    public async Task CompleteAsync_ImageAndDocument_SentAsInlineData()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);
        var request = new ChatRequest
        {
            Model = "gemini-2.5-flash",
            Messages =
            [
                new ChatMessage(ChatRole.User,
                [
                    new TextPart("describe"),
                    new ImagePart("data:image/png;base64,iVBORw0KGgo="),
                    new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQ=" },
                ]),
            ],
        };

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("[2 attachment(s): image/png, application/pdf] describe", response.Choices[0].Message.GetText());
        var parts = _upstream.Requests[^1].Body!["contents"]![0]!["parts"]!.AsArray();
        Assert.Equal("iVBORw0KGgo=", (string?)parts[1]!["inlineData"]!["data"]);
    }

    [Fact]
    public async Task CompleteAsync_JsonSchema_ResponseJsonSchemaAndJsonAnswer()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"]}""").RootElement.Clone();

        var response = await provider.CompleteAsync(Request("gemini-2.5-flash", "json please", r => r.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "e", schema)), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("json please", (string?)JsonNode.Parse(response.Choices[0].Message.GetText())!["echo"]);
        var config = _upstream.Requests[^1].Body!["generationConfig"]!;
        Assert.Equal("application/json", (string?)config["responseMimeType"]);
        Assert.Equal("object", (string?)config["responseJsonSchema"]!["type"]);
    }

    [Fact]
    public async Task CompleteAsync_StopSequenceAndMaxTokens_CutAndFinishReasons()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var stopped = await provider.CompleteAsync(Request("gemini-2.5-flash", "alpha beta END gamma", r => r.Stop = ["END"]), CancellationToken.None).WaitAsync(Bound);
        var cut = await provider.CompleteAsync(Request("gemini-2.5-flash", "one two three four", r => r.MaxTokens = 2), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("alpha beta ", stopped.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, stopped.Choices[0].FinishReason);
        Assert.Equal("one two", cut.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, cut.Choices[0].FinishReason);
        Assert.Equal(2, (int)_upstream.Requests[^1].Body!["generationConfig"]!["maxOutputTokens"]!);
    }

    [Fact]
    public async Task CompleteAsync_TwoChoicesWithLogprobs_CandidateCountAndOpenAIShape()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var response = await provider.CompleteAsync(Request("gemini-2.5-flash", "two words", r => { r.N = 2; r.Logprobs = true; r.TopLogprobs = 2; }), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal([0, 1], response.Choices.Select(c => c.Index));
        var logprobs = JsonNode.Parse(response.Choices[1].Logprobs!.Value.GetRawText())!["content"]!.AsArray();
        Assert.Equal(["two", "words"], logprobs.Select(t => (string?)t!["token"]));
        Assert.Equal(2, logprobs[0]!["top_logprobs"]!.AsArray().Count);
        Assert.Equal(2, (int)_upstream.Requests[^1].Body!["generationConfig"]!["candidateCount"]!);
    }

    [Theory]
    [InlineData("gemini-429", 429, "rate_limit_error", "RESOURCE_EXHAUSTED")]
    [InlineData("gemini-400", 400, "invalid_request_error", "INVALID_ARGUMENT")]
    [InlineData("gemini-404", 404, "not_found_error", "NOT_FOUND")]
    [InlineData("gemini-500", 500, "api_error", "INTERNAL")]
    [InlineData("gemini-503", 503, "api_error", "UNAVAILABLE")]
    public async Task CompleteAsync_UpstreamErrors_MappedWithStatus(string model, int status, string type, string code)
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request(model, "hi"), CancellationToken.None)).WaitAsync(Bound);
        var streamed = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(provider.StreamAsync(Request(model, "hi"), CancellationToken.None))).WaitAsync(Bound);

        foreach (var e in new[] { ex, streamed })
        {
            Assert.Equal(ProviderErrorKind.Upstream, e.Kind);
            Assert.Equal(status, e.StatusCode);
            Assert.Equal(type, e.ErrorType);
            Assert.Equal(code, e.ErrorCode);
        }

        Assert.Equal(model == "gemini-429" ? (TimeSpan?)TimeSpan.FromSeconds(13) : null, ex.RetryAfter);
    }

    [Fact]
    public async Task CompleteAsync_WrongKey_400WithoutTheKey()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl, apiKey: "AIza-wrong-secret");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("API key not valid. Please pass a valid API key.", ex.Message);
        Assert.DoesNotContain("AIza-wrong-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_BlockedPromptAndSafetyStop_ContentFilter()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var blocked = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-blocked", "hi"), CancellationToken.None)).WaitAsync(Bound);
        var blockedStream = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(provider.StreamAsync(Request("gemini-blocked", "hi"), CancellationToken.None))).WaitAsync(Bound);
        var filtered = await provider.CompleteAsync(Request("gemini-safety", "hi"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal((400, "content_filter"), (blocked.StatusCode, blocked.ErrorCode));
        Assert.Equal((400, "content_filter"), (blockedStream.StatusCode, blockedStream.ErrorCode));
        Assert.Equal(FinishReason.ContentFilter, filtered.Choices[0].FinishReason);
    }

    [Fact]
    public async Task StreamAsync_EndsWithoutFinishReason_InvalidResponse502()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(provider.StreamAsync(Request("gemini-truncated", "a b c"), CancellationToken.None))).WaitAsync(Bound);

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task StreamAsync_Logprobs_Refused400BeforeAnyCall()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(provider.StreamAsync(Request("gemini-2.5-flash", "hi", r => r.Logprobs = true), CancellationToken.None))).WaitAsync(Bound);

        Assert.Equal(400, ex.StatusCode);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task EmbedAsync_OneAndSeveralInputs_EmbedContentAndBatchEmbedContents()
    {
        var provider = GeminiProvider(_http, _upstream.BaseUrl, settings: ("embedding_task_type", "RETRIEVAL_DOCUMENT"));

        var one = await provider.EmbedAsync(new EmbeddingRequest { Model = "gemini-embedding-001", Inputs = ["alpha"], Dimensions = 4 }, CancellationToken.None).WaitAsync(Bound);
        var single = _upstream.Requests[^1];
        var several = await provider.EmbedAsync(new EmbeddingRequest { Model = "gemini-embedding-001", Inputs = ["alpha", "beta", "gamma"] }, CancellationToken.None).WaitAsync(Bound);
        var batch = _upstream.Requests[^1];

        Assert.Equal(4, Assert.Single(one.Vectors).Length);
        Assert.Equal("/v1beta/models/gemini-embedding-001:embedContent", single.Path);
        Assert.Equal(4, (int)single.Body!["outputDimensionality"]!);
        Assert.Equal("RETRIEVAL_DOCUMENT", (string?)single.Body["taskType"]);
        Assert.Equal(3, several.Vectors.Count);
        Assert.Equal(one.Vectors[0], several.Vectors[0][..4]);
        Assert.NotEqual(several.Vectors[0], several.Vectors[1]);
        Assert.Equal("/v1beta/models/gemini-embedding-001:batchEmbedContents", batch.Path);
        Assert.Equal("models/gemini-embedding-001", (string?)batch.Body!["requests"]![2]!["model"]);
    }

    [Fact]
    public async Task Factory_NoApiKey_FallsBackToGeminiThenGoogleApiKey()
    {
        var both = new Dictionary<string, string> { ["GEMINI_API_KEY"] = "gm-test-key", ["GOOGLE_API_KEY"] = "other" };
        var googleOnly = new Dictionary<string, string> { ["GOOGLE_API_KEY"] = "gm-test-key" };

        await GeminiProvider(_http, _upstream.BaseUrl, apiKey: null, environment: both).CompleteAsync(Request("gemini-2.5-flash", "a"), CancellationToken.None).WaitAsync(Bound);
        await GeminiProvider(_http, _upstream.BaseUrl, apiKey: null, environment: googleOnly).CompleteAsync(Request("gemini-2.5-flash", "b"), CancellationToken.None).WaitAsync(Bound);

        Assert.All(_upstream.Requests, r => Assert.Equal("gm-test-key", r.Headers["x-goog-api-key"]));
        Assert.Equal(2, _upstream.Requests.Count);
    }

    [Fact]
    public void Capabilities_Gemini_TruthfulFlags()
    {
        var capabilities = GeminiProvider(_http, _upstream.BaseUrl).Capabilities;

        Assert.Equal(
            new ProviderCapabilities
            {
                NativeFormat = WireFormat.None,
                Vision = true,
                Documents = true,
                Tools = true,
                JsonOutput = true,
                Logprobs = true,
                Seed = true,
                MultipleChoices = true,
                TopK = true,
                Penalties = true,
                Reasoning = true,
                PromptCaching = false,
                Citations = false,
                SignatureFamily = SignatureFamilies.Gemini,
                Embeddings = true,
            },
            capabilities);
    }
}
