using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Embeddings;
using Tollgate.Providers.Cohere;
using Tollgate.Providers.Tests.Testing;
using Tollgate.Testing.Cohere;

namespace Tollgate.Providers.Tests.Cohere;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class CohereChatProviderTests : IAsyncLifetime
{
    private FakeCohereUpstream _upstream = null!;
    private HttpClient _httpClient = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeCohereUpstream.StartAsync().WaitAsync(ProviderFixtures.Bound);
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
    public async Task CompleteAsync_Text_EchoesWithBilledUsage()
    {
        var response = await Provider().CompleteAsync(Request("command-a-03-2025", "hello there friend"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("hello there friend", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);

        // usage.tokens counts Cohere's prompt template too (fake: +100); the billed units are what is charged.
        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 3 }, response.Usage);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v2/chat", sent.Path);
        Assert.Equal("Bearer cohere-test-key", sent.Headers["authorization"]);
        Assert.Equal("my-app", sent.Headers["x-client-name"]);
    }

    [Fact]
    public async Task StreamAsync_Text_AssemblesWithModelFinishAndUsage()
    {
        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(Request("command-a-03-2025", "five little words here now"), CancellationToken.None));

        Assert.Equal("five little words here now", ProviderFixtures.Text(updates));
        Assert.All(updates, u => Assert.Equal("command-a-03-2025", u.Model));
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 5, OutputTokens = 5 }, updates.Single(u => u.Usage is not null).Usage);
    }

    [Fact]
    public async Task Tools_TwoTurns_PlanCallAndResultPairById()
    {
        var provider = Provider();
        var tools = new List<ToolDefinition> { new("get_weather", "Weather.", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement) };
        var messages = new List<ChatMessage> { ChatMessage.FromText(ChatRole.User, "call: Oslo") };

        var first = await provider.CompleteAsync(new ChatRequest { Model = "command-a-03-2025", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(FinishReason.ToolCalls, first.Choices[0].FinishReason);
        Assert.Equal("I will call get_weather.", first.Choices[0].Message.GetText());
        var call = Assert.Single(first.Choices[0].Message.ToolCalls!);
        Assert.Equal("call: Oslo", JsonNode.Parse(call.ArgumentsJson)!["echo"]!.GetValue<string>());

        messages.Add(first.Choices[0].Message);
        messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("snowing")]) { ToolCallId = call.Id });
        var second = await provider.CompleteAsync(new ChatRequest { Model = "command-a-03-2025", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("snowing", second.Choices[0].Message.GetText());
        var sent = _upstream.Requests[^1].Body!["messages"]!.AsArray();
        Assert.Equal("I will call get_weather.", sent[1]!["tool_plan"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamAsync_ToolChoiceRequired_StreamsPlanAndCall()
    {
        var request = Request("command-a-03-2025", "find it");
        request.Tools = [new ToolDefinition("lookup", null, null)];
        request.ToolChoice = new ToolChoice(ToolChoiceMode.Required);

        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("REQUIRED", _upstream.Requests[0].Body!["tool_choice"]!.GetValue<string>());
        Assert.Equal("I will call lookup.", ProviderFixtures.Text(updates));
        var calls = updates.Where(u => u.ToolCalls is not null).SelectMany(u => u.ToolCalls!).ToList();
        Assert.Equal("lookup", calls[0].Name);
        Assert.Equal("find it", JsonNode.Parse(string.Concat(calls.Select(c => c.ArgumentsDelta)))!["echo"]!.GetValue<string>());
        Assert.Equal(FinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task CompleteAsync_Image_SentAsImageUrlPart()
    {
        var request = new ChatRequest { Model = "command-a-vision-07-2025", Messages = [new ChatMessage(ChatRole.User, [new TextPart("what is this"), new ImagePart("https://example.com/a.png")])] };

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("what is this (images: 1)", response.Choices[0].Message.GetText());
        Assert.Equal("https://example.com/a.png", _upstream.Requests[0].Body!["messages"]![0]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_JsonSchema_SentAsJsonObjectWithSchema()
    {
        var request = Request("command-a-03-2025", "give json");
        request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "x", JsonDocument.Parse("""{"type":"object"}""").RootElement);

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("give json", JsonNode.Parse(response.Choices[0].Message.GetText())!["echo"]!.GetValue<string>());
        var format = _upstream.Requests[0].Body!["response_format"]!;
        Assert.Equal("json_object", format["type"]!.GetValue<string>());
        Assert.Equal("object", format["json_schema"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_StopSequence_SentAsStopSequencesAndCuts()
    {
        var request = Request("command-a-03-2025", "alpha beta HALT gamma");
        request.Stop = ["HALT"];

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("alpha beta", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
        Assert.Equal("HALT", _upstream.Requests[0].Body!["stop_sequences"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_MaxTokens_FinishesWithLength()
    {
        var request = Request("command-a-03-2025", "one two three four");
        request.MaxTokens = 3;

        var response = await Provider().CompleteAsync(request, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("one two three", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
    }

    [Fact]
    public async Task StreamAsync_Reasoning_ThinkingDeltasThenText()
    {
        var request = Request("cohere-reasoning", "think first");
        request.Reasoning = new ReasoningOptions { Effort = "low" };

        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("Let me think.", string.Concat(updates.Select(u => u.ThinkingDelta)));
        Assert.Equal("think first", ProviderFixtures.Text(updates));
        Assert.Equal(2048, _upstream.Requests[0].Body!["thinking"]!["token_budget"]!.GetValue<int>());
    }

    [Fact]
    public async Task CompleteAsync_RateLimited_429WithRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("cohere-429", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.RetryAfter);
    }

    [Fact]
    public async Task StreamAsync_FinishError_Throws502()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => ProviderFixtures.CollectAsync(Provider().StreamAsync(Request("cohere-error-finish", "hi"), CancellationToken.None)));

        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public async Task EmbedAsync_Texts_FloatsWithInputTypeAndBilledTokens()
    {
        var response = await Provider(embedInputType: "search_query").EmbedAsync(new EmbeddingRequest { Model = "embed-v4.0", Inputs = ["a b c", "d"], Dimensions = 256 }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(2, response.Vectors.Count);
        Assert.Equal(256, response.Vectors[1].Length);
        Assert.Equal(4, response.InputTokens);
        var body = Assert.Single(_upstream.Requests).Body!;
        Assert.Equal("search_query", body["input_type"]!.GetValue<string>());
        Assert.Equal("float", body["embedding_types"]![0]!.GetValue<string>());
        Assert.Equal(256, body["output_dimension"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("COHERE_API_KEY")]
    [InlineData("CO_API_KEY")]
    public async Task Factory_NoKeyInConfig_UsesEnvironment(string variable)
    {
        var config = new ProviderConfig { Name = "co", Type = "cohere", BaseUrl = _upstream.BaseUrl + "/v2/" };
        var provider = new CohereChatProviderFactory().Create(config, ProviderFixtures.Context(_httpClient, new Dictionary<string, string> { [variable] = "cohere-test-key" }));

        var response = await provider.CompleteAsync(Request("command-r", "from env"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("from env", response.Choices[0].Message.GetText());
    }

    [Fact]
    public void Factory_UnknownEmbedInputType_ClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Provider(embedInputType: "search"));

        Assert.Contains("embed_input_type", ex.Message, StringComparison.Ordinal);
    }

    private static ChatRequest Request(string model, string text) => new() { Model = model, Messages = [ChatMessage.FromText(ChatRole.User, text)] };

    private IChatProvider Provider(string? embedInputType = null)
    {
        var settings = new Dictionary<string, ConfigValue> { ["client_name"] = ConfigValue.FromScalar("my-app") };
        if (embedInputType is not null)
        {
            settings["embed_input_type"] = ConfigValue.FromScalar(embedInputType);
        }

        var config = new ProviderConfig { Name = "co", Type = "cohere", BaseUrl = _upstream.BaseUrl, ApiKey = "cohere-test-key", Settings = settings };
        return new CohereChatProviderFactory().Create(config, ProviderFixtures.Context(_httpClient));
    }
}
