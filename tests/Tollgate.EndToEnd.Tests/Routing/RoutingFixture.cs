using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.Routing;

/// <summary>
/// Tollgate in front of a fake OpenAI upstream, a fake Anthropic upstream and simulated providers, with models whose
/// deployments fail in known ways (deployment health is shared by provider and model, so scenarios that count
/// failures use providers of their own), so failover, fallbacks, deadlines, hedging and the routing headers can be watched
/// through the real server.
/// </summary>
public sealed class RoutingFixture : IAsyncLifetime
{
    private TollgateTestServer? _server;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public FakeOpenAIUpstream OpenAI { get; private set; } = null!;

    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public static string Config(string openAIBaseUrl, string anthropicBaseUrl) => $$"""
        server:
          master_key: {{GatewayFixture.MasterKey}}
        providers:
          up:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
            timeouts: { first_byte: 5s, idle: 5s }
          up-breaker:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
          up-fallback:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
          up-limited:
            type: openai
            base_url: {{openAIBaseUrl}}
            api_key: {{GatewayFixture.UpstreamKey}}
          claude:
            type: anthropic
            base_url: {{anthropicBaseUrl}}
            api_key: sk-ant-test
          sim-slow:
            type: simulated
            time_to_first_token: 3s
          sim-fast:
            type: simulated
        models:
          failover:
            deployments:
              - { provider: up, model: fail-503 }
              - { provider: up, model: fail-500 }
              - { provider: up, model: gpt-4o-mini }
          translated-failover:
            deployments:
              - { provider: claude, model: anthropic-529 }
              - { provider: up, model: gpt-4o-mini }
          anthropic-failover:
            deployments:
              - { provider: up, model: fail-503 }
              - { provider: claude, model: claude-sonnet-4-5 }
          with-fallback:
            deployments: [ { provider: up-fallback, model: fail-500 } ]
            fallbacks: [target]
          rate-limited:
            deployments: [ { provider: up, model: fail-429 } ]
            rate_limit_fallbacks: [target]
          rate-limited-twice:
            deployments: [ { provider: up-limited, model: fail-429 } ]
            rate_limit_fallbacks: [target]
          target:
            deployments: [ { provider: up, model: gpt-4o-mini } ]
          bad-request:
            deployments: [ { provider: claude, model: anthropic-401 }, { provider: up, model: gpt-4o-mini } ]
          hanging:
            deployments: [ { provider: up, model: hang }, { provider: up, model: hang } ]
            timeout: 30s
          stalls-mid-stream:
            deployments: [ { provider: up, model: slow-stream } ]
          slow-first-token:
            deployments: [ { provider: up, model: hang }, { provider: up, model: gpt-4o-mini } ]
            first_token_timeout: 300ms
          breaker:
            deployments: [ { provider: up-breaker, model: fail-500 }, { provider: up-breaker, model: gpt-4o-mini } ]
            circuit_breaker: { failures: 2, cooldown: 60s }
          hedged:
            deployments: [ { provider: sim-slow, model: echo }, { provider: sim-fast, model: echo } ]
            hedging: { delay: 100ms }
          embed-failover:
            deployments: [ { provider: up, model: fail-503 }, { provider: up, model: text-embedding-3-small } ]
        """;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        OpenAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, cts.Token);
        Anthropic = await FakeAnthropicUpstream.StartAsync(cts.Token);
        _server = await TollgateTestServer.StartAsync(Config(OpenAI.BaseUrl, Anthropic.BaseUrl));
        Http = GatewayFixture.CreateHttpClient(Server.BaseUrl, GatewayFixture.MasterKey);
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
