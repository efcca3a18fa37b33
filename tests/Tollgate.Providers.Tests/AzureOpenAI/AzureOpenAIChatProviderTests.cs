using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Http;
using Tollgate.Embeddings;
using Tollgate.Providers.AzureOpenAI;
using Tollgate.Providers.OpenAI;
using Tollgate.Providers.Tests.Testing;
using Tollgate.Testing.AzureOpenAI;

namespace Tollgate.Providers.Tests.AzureOpenAI;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the client.")]
public sealed class AzureOpenAIChatProviderTests : IAsyncLifetime
{
    private FakeAzureOpenAIUpstream _upstream = null!;
    private HttpClient _httpClient = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeAzureOpenAIUpstream.StartAsync(bearerToken: "entra-token").WaitAsync(ProviderFixtures.Bound);
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
    public async Task SendAsync_Passthrough_DeploymentUrlApiVersionAndApiKey()
    {
        var provider = (IPassthroughChatProvider)Provider();
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"pass me through"}],"model":"gpt4o-prod"}""");

        await using var response = await provider.SendAsync(new PassthroughRequest(ApiOperation.Chat, body, Stream: false), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);
        var answer = JsonNode.Parse(await UpstreamHttp.ReadBodyAsync(response, CancellationToken.None))!;

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("pass me through", answer["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/openai/deployments/gpt4o-prod/chat/completions", sent.Path);
        Assert.Equal("?api-version=2024-10-21", sent.Query);
        Assert.Equal("azure-test-key", sent.Headers["api-key"]);
        Assert.False(sent.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task SendAsync_PassthroughStream_RelaysAzureChunksAsTheyAre()
    {
        var provider = (IPassthroughChatProvider)Provider();
        var body = Encoding.UTF8.GetBytes("""{"model":"gpt4o-prod","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"two words"}]}""");

        await using var response = await provider.SendAsync(new PassthroughRequest(ApiOperation.Chat, body, Stream: true), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);
        var text = Encoding.UTF8.GetString(await UpstreamHttp.ReadBodyAsync(response, CancellationToken.None));

        Assert.Contains("prompt_filter_results", text, StringComparison.Ordinal);
        Assert.Contains("\"usage\":{", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_Translated_TextAndUsage()
    {
        var response = await Provider().CompleteAsync(Request("gpt4o-prod", "hello from azure"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("hello from azure", response.Choices[0].Message.GetText());
        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 3 }, response.Usage);
    }

    [Fact]
    public async Task StreamAsync_Translated_SkipsFilterChunkAndEndsWithUsage()
    {
        var request = Request("gpt4o-prod", "stream over azure please");
        request.IncludeUsage = true;

        var updates = await ProviderFixtures.CollectAsync(Provider().StreamAsync(request, CancellationToken.None));

        Assert.Equal("stream over azure please", ProviderFixtures.Text(updates));
        Assert.Equal(FinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(new ChatUsage { InputTokens = 4, OutputTokens = 4 }, updates.Single(u => u.Usage is not null).Usage);
    }

    [Fact]
    public async Task CompleteAsync_ToolCall_ThenResult()
    {
        var tools = new List<ToolDefinition> { new("get_weather", null, JsonDocument.Parse("""{"type":"object"}""").RootElement) };
        var messages = new List<ChatMessage> { ChatMessage.FromText(ChatRole.User, "call: Rome") };

        var first = await Provider().CompleteAsync(new ChatRequest { Model = "gpt4o-prod", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);
        var call = Assert.Single(first.Choices[0].Message.ToolCalls!);
        messages.Add(first.Choices[0].Message);
        messages.Add(new ChatMessage(ChatRole.Tool, [new TextPart("warm")]) { ToolCallId = call.Id });
        var second = await Provider().CompleteAsync(new ChatRequest { Model = "gpt4o-prod", Messages = messages, Tools = tools }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(FinishReason.ToolCalls, first.Choices[0].FinishReason);
        Assert.Equal("warm", second.Choices[0].Message.GetText());
        Assert.Equal(call.Id, _upstream.Requests[^1].Body!["messages"]![2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteAsync_PromptFiltered_400NamesCategories()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("azure-filter", "bad words"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("content_filter", ex.ErrorCode);
        Assert.Equal("prompt", ex.Param);
        Assert.StartsWith("Azure OpenAI's content filter refused the request (hate (high)):", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_AnswerFiltered_FinishesWithContentFilter()
    {
        var response = await Provider().CompleteAsync(Request("azure-filtered-answer", "one two three four"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(FinishReason.ContentFilter, response.Choices[0].FinishReason);
        Assert.Equal("one two", response.Choices[0].Message.GetText());
    }

    [Fact]
    public async Task CompleteAsync_RateLimited_429WithRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("azure-429", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        Assert.Equal("rate_limit_error", ex.ErrorType);
    }

    [Fact]
    public async Task CompleteAsync_UnknownDeployment_404()
    {
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Provider().CompleteAsync(Request("no-such-deployment", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("DeploymentNotFound", ex.ErrorCode);
    }

    [Fact]
    public async Task CompleteAsync_EntraToken_BearerInsteadOfApiKey()
    {
        var settings = new Dictionary<string, ConfigValue> { ["azure_ad_token"] = ConfigValue.FromScalar("entra-token"), ["api_version"] = ConfigValue.FromScalar("2025-01-01-preview") };
        var provider = Create(new ProviderConfig { Name = "az", Type = "azure-openai", BaseUrl = _upstream.BaseUrl, Settings = settings });

        await provider.CompleteAsync(Request("gpt4o-prod", "hi"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("Bearer entra-token", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("api-key"));
        Assert.Equal("?api-version=2025-01-01-preview", sent.Query);
    }

    [Fact]
    public async Task Factory_OnlyTypeInConfig_EndpointKeyAndVersionFromEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["AZURE_OPENAI_ENDPOINT"] = _upstream.BaseUrl + "/",
            ["AZURE_OPENAI_API_KEY"] = "azure-test-key",
            ["OPENAI_API_VERSION"] = "2024-06-01",
        };
        var provider = Create(new ProviderConfig { Name = "az", Type = "azure-openai" }, environment);

        var response = await provider.CompleteAsync(Request("gpt4o-prod", "env only"), CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("env only", response.Choices[0].Message.GetText());
        Assert.Equal("?api-version=2024-06-01", Assert.Single(_upstream.Requests).Query);
    }

    [Fact]
    public void Factory_NoEndpoint_ClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Create(new ProviderConfig { Name = "az", Type = "azure-openai", ApiKey = "k" }));

        Assert.Contains("AZURE_OPENAI_ENDPOINT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_NoCredential_ClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Create(new ProviderConfig { Name = "az", Type = "azure-openai", BaseUrl = "https://myres.openai.azure.com" }));

        Assert.Contains("AZURE_OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_Deployment_EmbeddingsUrl()
    {
        var response = await Provider().EmbedAsync(new EmbeddingRequest { Model = "embed-prod", Inputs = ["a b", "c"] }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal(2, response.Vectors.Count);
        Assert.Equal(3, response.InputTokens);
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/openai/deployments/embed-prod/embeddings", sent.Path);
        Assert.Equal("?api-version=2024-10-21", sent.Query);
    }

    [Fact]
    public void Capabilities_OpenAIFormatPassthrough()
    {
        var provider = Provider();

        Assert.Equal(WireFormat.OpenAI, provider.Capabilities.NativeFormat);
        Assert.IsAssignableFrom<IPassthroughChatProvider>(provider);
        Assert.True(((OpenAIChatProvider)provider).StreamUsage);
        Assert.StartsWith("azure-openai provider 'az'", provider.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorMapper_ContentFilterFixture_NamesEveryFilteredCategory()
    {
        var ex = AzureOpenAIErrorMapper.ToException(400, ProviderFixtures.ReadBytes("azure", "error_content_filter.json"), [], TimeProvider.System);

        Assert.Equal("content_filter", ex.ErrorCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Contains("(hate (high), jailbreak)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorMapper_OtherErrors_AsOpenAIMapperDoes()
    {
        var body = Encoding.UTF8.GetBytes("""{"error":{"code":"429","message":"Slow down"}}""");

        var ex = AzureOpenAIErrorMapper.ToException(429, body, [new("retry-after", "3")], TimeProvider.System);

        Assert.Equal("Slow down", ex.Message);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
    }

    [Fact]
    public void ResponseMapper_ContentFilterFixture_FinishReasonContentFilter()
    {
        var response = OpenAIResponseMapper.Parse(ProviderFixtures.ReadBytes("azure", "response_content_filter.json"), TimeProvider.System);

        Assert.Equal(FinishReason.ContentFilter, response.Choices[0].FinishReason);
        Assert.Equal("Partial answer", response.Choices[0].Message.GetText());
    }

    [Theory]
    [InlineData("""{"model":"dep-a","messages":[]}""", "dep-a")]
    [InlineData("""{"messages":[{"role":"user","content":"x","model":"inner"}],"model":"dep b"}""", "dep b")]
    [InlineData("""{"messages":[]}""", null)]
    [InlineData("""{"model":5}""", null)]
    [InlineData("not json", null)]
    public void ReadModel_TopLevelModelOnly(string json, string? expected) =>
        Assert.Equal(expected, AzureOpenAIDeployments.ReadModel(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Resolve_DeploymentNameEscaped()
    {
        var deployments = new AzureOpenAIDeployments(new Uri("https://myres.openai.azure.com/"), "2024-10-21");

        var url = deployments.Resolve(ApiOperation.Chat, Encoding.UTF8.GetBytes("""{"model":"my dep"}"""));

        Assert.Equal("https://myres.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=2024-10-21", url.AbsoluteUri);
    }

    private static ChatRequest Request(string model, string text) => new() { Model = model, Messages = [ChatMessage.FromText(ChatRole.User, text)] };

    private IChatProvider Provider() => Create(new ProviderConfig { Name = "az", Type = "azure-openai", BaseUrl = _upstream.BaseUrl, ApiKey = "azure-test-key" });

    private IChatProvider Create(ProviderConfig config, IReadOnlyDictionary<string, string>? environment = null) =>
        new AzureOpenAIChatProviderFactory().Create(config, ProviderFixtures.Context(_httpClient, environment));
}
