using System.ClientModel;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tollgate.Testing.AzureOpenAI;
using Tollgate.Testing.Cohere;
using Tollgate.Testing.Mistral;

namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One gateway in front of fake Azure OpenAI, Mistral and Cohere upstreams. The Azure and Cohere entries take their
/// keys (and Azure its endpoint) from the server's environment, as the provider's SDK variables, to prove the fallback.
/// </summary>
public sealed class CompatGatewayFixture : IAsyncLifetime
{
    private TollgateTestServer? _server;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public FakeAzureOpenAIUpstream Azure { get; private set; } = null!;

    public FakeMistralUpstream Mistral { get; private set; } = null!;

    public FakeCohereUpstream Cohere { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public ChatClient Chat(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(Server.BaseUrl));

    public EmbeddingClient Embeddings(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(Server.BaseUrl));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        Azure = await FakeAzureOpenAIUpstream.StartAsync(cancellationToken: cts.Token);
        Mistral = await FakeMistralUpstream.StartAsync(cancellationToken: cts.Token);
        Cohere = await FakeCohereUpstream.StartAsync(cancellationToken: cts.Token);
        var yaml = $$"""
            server:
              master_key: {{GatewayFixture.MasterKey}}
            providers:
              azure:
                type: azure-openai
                api_version: "2024-10-21"
              mistral:
                type: mistral
                base_url: {{Mistral.BaseUrl}}
                api_key: mistral-test-key
              cohere:
                type: cohere
                base_url: {{Cohere.BaseUrl}}
            models:
              azure-gpt: { deployments: [ { provider: azure, model: gpt4o-prod } ] }
              azure-usage: { deployments: [ { provider: azure, model: gpt4o-prod } ] }
              azure-embed: { deployments: [ { provider: azure, model: embed-prod } ] }
              azure-filter: { deployments: [ { provider: azure, model: azure-filter } ] }
              azure-429: { deployments: [ { provider: azure, model: azure-429 } ] }
              mistral-small: { deployments: [ { provider: mistral, model: mistral-small-latest } ] }
              mistral-usage: { deployments: [ { provider: mistral, model: mistral-small-latest } ] }
              mistral-embed: { deployments: [ { provider: mistral, model: mistral-embed } ] }
              mistral-429: { deployments: [ { provider: mistral, model: mistral-429 } ] }
              command: { deployments: [ { provider: cohere, model: command-a-03-2025 } ] }
              command-usage: { deployments: [ { provider: cohere, model: command-a-03-2025 } ] }
              cohere-embed: { deployments: [ { provider: cohere, model: embed-v4.0 } ] }
              cohere-429: { deployments: [ { provider: cohere, model: cohere-429 } ] }
            """;
        var environment = new Dictionary<string, string>
        {
            ["AZURE_OPENAI_ENDPOINT"] = Azure.BaseUrl,
            ["AZURE_OPENAI_API_KEY"] = "azure-test-key",
            ["CO_API_KEY"] = "cohere-test-key",
        };
        _server = await TollgateTestServer.StartAsync(yaml, environment: environment);
        Http = GatewayFixture.CreateHttpClient(Server.BaseUrl, GatewayFixture.MasterKey);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Azure.DisposeAsync();
        await Mistral.DisposeAsync();
        await Cohere.DisposeAsync();
    }
}
