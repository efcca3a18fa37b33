using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Embeddings;
using Tollgate.Providers.Mistral;
using Tollgate.Providers.Tests.Testing;
using Tollgate.Testing.Mistral;

namespace Tollgate.Providers.Tests.Mistral;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class MistralChatProviderTests : IAsyncLifetime
{
    private FakeMistralUpstream _upstream = null!;
    private HttpClient _httpClient = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeMistralUpstream.StartAsync().WaitAsync(ProviderFixtures.Bound);
#pragma warning disable RS0030 // tests own their client
        _httpClient = new HttpClient(new SocketsHttpHandler());
#pragma warning restore RS0030
    }

    public async Task DisposeAsync()
    {
        _httpClient.Dispose();
        await _upstream.DisposeAsync().AsTask().WaitAsync(ProviderFixtures.Bound);
    }

    [Fact]
    public async Task CompleteAsync_Text_EchoesWithUsageAndBearer()
    {
        var response = await Provider().CompleteAsync(Request("mistral-small-latest", "bonjour tout le monde"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("bonjour tout le monde", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 4, OutputTokens = 4 }, response.Usage);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer mistral-test-key", sent.Headers["authorization"]);
        Assert.False(sent.Body!.AsObject().ContainsKey("safe_prompt"));
        Assert.False(sent.Body!.AsObject().ContainsKey("stream_options"));
    }

    [Fact]
    public async Task CompleteAsync_Seed_SentAsRandomSeed()
    {
        var request = Request("mistral-small-latest", "one two");
        request.Seed = 9;

        await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        var body = Assert.Single(_upstream.Requests).Body!;
        Assert.Equal(9, body["random_seed"]!.GetValue<int>());
        Assert.False(body.AsObject().ContainsKey("seed"));
    }

    [Fact]
    public async Task StreamAsync_Text_AssemblesWithFinishAndUsage()
    {
        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(Request("mistral-small-latest", "stream these five words now"), CancellationToken.None));

        Assert.Equal("stream these five words now", ProviderFixtures.Text(updates));
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 5, OutputTokens = 5 }, updates.Single(u => u.Usage is not null).Usage);
        Assert.True(_upstream.Requests[0].Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tools_ForeignIdsOverThreeTurns_MapAndPairUp()
    {
        var provider = Provider();
        var tools = new List<ToolDefinition> { new("get_weather", "Weather.", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement) };

        // Turn 1: Mistral calls the tool with its own nine-character id.
        var messages = new List<ChatMessage> { ChatMessage.FromText(ChatRole.User, "call: Oslo") };
        var first = await provider.CompleteAsync(new ChatRequest { Model = "mistral-large-latest", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);
        var call = Assert.Single(first.Choices[0].Message.ToolCalls!);
        Assert.Equal(FinishReason.ToolCalls, first.Choices[0].FinishReason);
        Assert.True(MistralToolCallIds.IsValid(call.Id));

        // Turn 2: history also holds a call made elsewhere (an OpenAI id), answered by its result.
        messages.Insert(0, new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("call_Xq81LmZpQ2v", "get_weather", """{"city":"Bergen"}""")] });
        messages.Insert(1, new ChatMessage(ChatRole.Tool, [new TextPart("foggy")]) { ToolCallId = "call_Xq81LmZpQ2v" });
        messages.Insert(0, ChatMessage.FromText(ChatRole.User, "weather in Bergen?"));
        messages.Add(new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [call] });
        messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("snowing in Oslo")]) { ToolCallId = call.Id });
        var second = await provider.CompleteAsync(new ChatRequest { Model = "mistral-large-latest", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("snowing in Oslo", second.Choices[0].Message.GetText());
        var sent = _upstream.Requests[^1].Body!["messages"]!.AsArray();
        var mapped = MistralToolCallIds.ToMistral("call_Xq81LmZpQ2v");
        Assert.Equal(mapped, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(mapped, sent[2]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[4]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[5]!["tool_call_id"]!.GetValue<string>());

        // Turn 3: the conversation goes on with the same mapping.
        messages.Add(ChatMessage.FromText(ChatRole.Assistant, "It is snowing."));
        messages.Add(ChatMessage.FromText(ChatRole.User, "thanks a lot"));
        var third = await provider.CompleteAsync(new ChatRequest { Model = "mistral-large-latest", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);
        Assert.Equal("thanks a lot", third.Choices[0].Message.GetText());
    }

    [Fact]
    public async Task StreamAsync_ToolChoiceRequired_SendsAnyAndStreamsTheCall()
    {
        var request = Request("mistral-large-latest", "find it");
        request.Tools = [new ToolDefinition("lookup", null, null)];
        request.ToolChoice = new ToolChoice(ToolChoiceMode.Required);

        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("any", _upstream.Requests[0].Body!["tool_choice"]!.GetValue<string>());
        var call = Assert.Single(updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!));
        Assert.Equal("lookup", call.Name);
        Assert.Equal("find it", JsonNode.Parse(call.ArgumentsDelta!)!["echo"]!.GetValue<string>());
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_Image_SentAsImageUrlChunk()
    {
        var request = new ChatRequest
        {
            Model = "pixtral-large-latest",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("describe"), new ImagePart("data:image/png;base64,iVBORw0KGgo=")])],
        };

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("describe (images: 1)", response.Choices[0].Message.GetText());
        var part = _upstream.Requests[0].Body!["messages"]![0]!["content"]![1]!;
        Assert.Equal("image_url", part["type"]!.GetValue<string>());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", part["image_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_JsonObject_AnswersJson()
    {
        var request = Request("mistral-small-latest", "make json");
        request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject);

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("make json", JsonNode.Parse(response.Choices[0].Message.GetText())!["echo"]!.GetValue<string>());
        Assert.Equal("json_object", _upstream.Requests[0].Body!["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_StopSequence_CutsTheAnswer()
    {
        var request = Request("mistral-small-latest", "alpha beta HALT gamma");
        request.Stop = ["HALT"];

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("alpha beta", response.Choices[0].Message.GetText());
        Assert.Equal("HALT", _upstream.Requests[0].Body!["stop"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_MaxTokens_FinishesWithLength()
    {
        var request = Request("mistral-small-latest", "one two three four five");
        request.MaxTokens = 2;

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("one two", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_Magistral_ReturnsThinking()
    {
        var request = Request("magistral-small-latest", "why so");
        request.Reasoning = new ReasoningOptions();

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("Let me think.", Assert.IsType<ThinkingPart>(response.Choices[0].Message.Parts[0]).Text);
        Assert.Equal("why so", response.Choices[0].Message.GetText());
        Assert.Equal("reasoning", _upstream.Requests[0].Body!["prompt_mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamAsync_Magistral_StreamsThinkingDeltas()
    {
        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(Request("magistral-small-latest", "why so"), CancellationToken.None));

        Assert.Equal("Let me think.", string.Concat(updates.Select(u => u.ThinkingDelta)));
        Assert.Equal("why so", ProviderFixtures.Text(updates));
    }

    [Fact]
    public async Task CompleteAsync_RateLimited_429WithRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("mistral-429", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal(TimeSpan.FromSeconds(4), ex.RetryAfter);
    }

    [Fact]
    public async Task StreamAsync_ServerError_ThrowsBeforeFirstUpdate()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => ProviderFixtures.CollectAsync(Provider().StreamAsync(Request("mistral-500", "hi"), CancellationToken.None)));

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal("Service unavailable.", ex.Message);
    }

    [Fact]
    public async Task CompleteAsync_FinishReasonError_Throws502()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("mistral-error-finish", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task CompleteAsync_WrongKey_401()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider(apiKey: "wrong").CompleteAsync(Request("mistral-small-latest", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("authentication_error", ex.ErrorType);
        Assert.Equal("Unauthorized", ex.Message);
    }

    [Fact]
    public async Task EmbedAsync_Inputs_VectorsDimensionAndTokens()
    {
        var request = new EmbeddingRequest { Model = "mistral-embed", Inputs = ["one two", "three"], Dimensions = 3 };

        var response = await Provider().EmbedAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(2, response.Vectors.Count);
        Assert.Equal(3, response.Vectors[0].Length);
        Assert.Equal(3, response.InputTokens);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/embeddings", sent.Path);
        Assert.Equal(3, sent.Body!["output_dimension"]!.GetValue<int>());
        Assert.Equal("float", sent.Body!["output_dtype"]!.GetValue<string>());
    }

    [Fact]
    public async Task Factory_NoKeyInConfig_UsesMistralApiKeyVariable()
    {
        var config = new ProviderConfig { Name = "mistral", Type = "mistral", BaseUrl = _upstream.BaseUrl + "/v1" };
        var provider = new MistralChatProviderFactory().Create(config, ProviderFixtures.Context(_httpClient, new Dictionary<string, string> { ["MISTRAL_API_KEY"] = "mistral-test-key" }));

        var response = await provider.CompleteAsync(Request("mistral-small-latest", "from the environment"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("from the environment", response.Choices[0].Message.GetText());
    }

    [Fact]
    public void Factory_NoKeyAnywhere_ClearError()
    {
        var config = new ProviderConfig { Name = "m", Type = "mistral" };

        var ex = Assert.Throws<ArgumentException>(() => new MistralChatProviderFactory().Create(config, ProviderFixtures.Context(_httpClient)));

        Assert.Contains("MISTRAL_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    private static ChatRequest Request(string model, string text) => new() { Model = model, Messages = [ChatMessage.FromText(ChatRole.User, text)] };

    private IChatProvider Provider(string apiKey = "mistral-test-key") =>
        new MistralChatProviderFactory().Create(new ProviderConfig { Name = "mistral", Type = "mistral", BaseUrl = _upstream.BaseUrl, ApiKey = apiKey }, ProviderFixtures.Context(_httpClient));
}
