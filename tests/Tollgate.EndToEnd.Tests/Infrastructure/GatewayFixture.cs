using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One gateway for a test class: fake OpenAI and Anthropic upstreams, and Tollgate in front of them with
/// <see cref="Config"/>. Tests that need a dedicated fake (abort detection) or config start their own.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string MasterKey = "sk-test-master";

    public const string UpstreamKey = "sk-upstream-test";

    private TollgateTestServer? _server;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public FakeOpenAIUpstream OpenAI { get; private set; } = null!;

    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string BaseUrl => Server.BaseUrl;

    /// <summary>
    /// The standard config. Models by purpose: <c>gpt-test</c> (pass-through), <c>sonnet</c> (translated),
    /// <c>demo</c> (simulated), scenario models named after the fake's, and aliases whose usage totals belong to one test.
    /// </summary>
    public static string Config(string openAIBaseUrl, string anthropicBaseUrl, string closedBaseUrl) => $$"""
        server:
          master_key: {{MasterKey}}
        providers:
          up:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{UpstreamKey}}
            timeouts: { first_byte: 5s, idle: 5s }
          up-strict:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{UpstreamKey}}
            timeouts: { first_byte: 500ms, idle: 500ms }
          dead:
            type: openai
            base_url: {{closedBaseUrl}}
            api_key: {{UpstreamKey}}
            timeouts: { connect: 2s }
          claude:
            type: anthropic
            base_url: {{anthropicBaseUrl}}
            api_key: sk-ant-test
          sim:
            type: simulated
        models:
          gpt-test: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
          gpt-usage: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
          gpt-parallel: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
          embed: { deployments: [ { provider: up, model: text-embedding-3-small } ] }
          slow: { deployments: [ { provider: up, model: slow-stream } ] }
          gpt-429: { deployments: [ { provider: up, model: fail-429 } ] }
          gpt-500: { deployments: [ { provider: up, model: fail-500 } ] }
          gpt-503: { deployments: [ { provider: up, model: fail-503 } ] }
          gpt-hang: { deployments: [ { provider: up-strict, model: hang } ] }
          gpt-idle: { deployments: [ { provider: up-strict, model: slow-stream } ] }
          gpt-dead: { deployments: [ { provider: dead, model: gpt-4o-mini } ] }
          sonnet-usage: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
          sonnet: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
          claude-429: { deployments: [ { provider: claude, model: anthropic-429 } ] }
          claude-529: { deployments: [ { provider: claude, model: anthropic-529 } ] }
          claude-500: { deployments: [ { provider: claude, model: anthropic-500 } ] }
          claude-midstream: { deployments: [ { provider: claude, model: anthropic-midstream-error } ] }
          claude-hang: { deployments: [ { provider: claude, model: anthropic-hang } ] }
          demo: { deployments: [ { provider: sim, model: echo } ] }
        """;

    /// <summary>A base URL on a loopback port that nothing listens on.</summary>
    public static string ClosedBaseUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/v1";
    }

    /// <summary>A raw client for protocol details: no key unless given, bounded by <see cref="TestTimeouts.Default"/>.</summary>
    public static HttpClient CreateHttpClient(string baseUrl, string? key)
    {
#pragma warning disable RS0030 // tests own their client
        var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TestTimeouts.Default };
#pragma warning restore RS0030
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>The official SDK's options: Tollgate's URL, no retries, and a bounded network timeout.</summary>
    public static OpenAIClientOptions SdkOptions(string baseUrl) => new()
    {
        Endpoint = new Uri(baseUrl + "/v1"),
        NetworkTimeout = TestTimeouts.Default,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    public ChatClient Chat(string model, string key = MasterKey) => new(model, new ApiKeyCredential(key), SdkOptions(BaseUrl));

    public EmbeddingClient Embeddings(string model) => new(model, new ApiKeyCredential(MasterKey), SdkOptions(BaseUrl));

    public OpenAIModelClient Models() => new(new ApiKeyCredential(MasterKey), SdkOptions(BaseUrl));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        OpenAI = await FakeOpenAIUpstream.StartAsync(UpstreamKey, cts.Token);
        Anthropic = await FakeAnthropicUpstream.StartAsync(cts.Token);
        _server = await TollgateTestServer.StartAsync(Config(OpenAI.BaseUrl, Anthropic.BaseUrl, ClosedBaseUrl()));
        Http = CreateHttpClient(BaseUrl, MasterKey);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
