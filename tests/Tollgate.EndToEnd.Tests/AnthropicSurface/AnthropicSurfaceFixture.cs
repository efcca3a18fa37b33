using System.Net.Http.Headers;
using System.Text;
using Anthropic;
using Anthropic.Core;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>
/// Tollgate's Anthropic surface in front of a fake Anthropic upstream (pass-through), a fake OpenAI upstream
/// (translated), the simulated provider and a dead address.
/// </summary>
public sealed class AnthropicSurfaceFixture : IAsyncLifetime
{
    public const string MasterKey = GatewayFixture.MasterKey;

    public const string AnthropicUpstreamKey = "sk-ant-upstream-secret";

    public const string Version = "2023-06-01";

    private TollgateTestServer? _server;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public FakeOpenAIUpstream OpenAI { get; private set; } = null!;

    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;

    public string BaseUrl => Server.BaseUrl;

    /// <summary>
    /// Models: <c>claude</c> and <c>claude-usage</c> (pass-through), <c>claude-4xx/5xx</c> scenarios, <c>gpt</c> and
    /// <c>gpt-usage</c> (translated to OpenAI format), <c>gpt-429</c>, <c>gpt-dead</c> (nothing listens), <c>demo</c> (simulated).
    /// </summary>
    public static string Config(string openAIBaseUrl, string anthropicBaseUrl, string closedBaseUrl) => $$"""
        server:
          master_key: {{MasterKey}}
        providers:
          up:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
            timeouts: { first_byte: 5s, idle: 5s }
          dead:
            type: openai
            base_url: {{closedBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
            timeouts: { connect: 2s }
          claude-up:
            type: anthropic
            base_url: {{anthropicBaseUrl}}
            api_key: {{AnthropicUpstreamKey}}
          sim:
            type: simulated
        models:
          claude: { deployments: [ { provider: claude-up, model: claude-sonnet-4-5 } ] }
          claude-usage: { deployments: [ { provider: claude-up, model: claude-sonnet-4-5 } ] }
          claude-401: { deployments: [ { provider: claude-up, model: anthropic-401 } ] }
          claude-429: { deployments: [ { provider: claude-up, model: anthropic-429 } ] }
          claude-529: { deployments: [ { provider: claude-up, model: anthropic-529 } ] }
          claude-midstream: { deployments: [ { provider: claude-up, model: anthropic-midstream-error } ] }
          gpt: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
          gpt-usage: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
          gpt-429: { deployments: [ { provider: up, model: fail-429 } ] }
          gpt-dead: { deployments: [ { provider: dead, model: gpt-4o-mini } ] }
          demo: { deployments: [ { provider: sim, model: echo } ] }
        """;

    /// <summary>The official SDK pointed at Tollgate: no retries, a bounded timeout.</summary>
    public AnthropicClient Sdk(string key = MasterKey) => new(new ClientOptions
    {
        BaseUrl = BaseUrl,
        ApiKey = key,
        MaxRetries = 0,
        Timeout = TestTimeouts.Default,
    });

    /// <summary>A raw client that sends <c>x-api-key</c> and, unless told otherwise, <c>anthropic-version</c>.</summary>
    public HttpClient Raw(string? key = MasterKey, string? version = Version)
    {
        var http = GatewayFixture.CreateHttpClient(BaseUrl, key: null);
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-api-key", key);
        }

        if (version is not null)
        {
            http.DefaultRequestHeaders.Add("anthropic-version", version);
        }

        return http;
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        OpenAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, cts.Token);
        Anthropic = await FakeAnthropicUpstream.StartAsync(cts.Token);
        _server = await TollgateTestServer.StartAsync(Config(OpenAI.BaseUrl, Anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl()));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
