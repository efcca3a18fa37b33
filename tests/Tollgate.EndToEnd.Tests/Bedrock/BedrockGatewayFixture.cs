using System.ClientModel;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Bedrock;

namespace Tollgate.EndToEnd.Tests.Bedrock;

/// <summary>
/// Tollgate configured with a <c>type: bedrock</c> provider whose <c>base_url</c> is a <see cref="FakeBedrockUpstream"/>.
/// The credentials come from the server's environment through <c>${...}</c>, as the configuration reference shows
/// (block style: inside a flow mapping <c>{ }</c> an unquoted <c>${...}</c> is not valid YAML).
/// </summary>
public sealed class BedrockGatewayFixture : IAsyncLifetime
{
    public const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

    private TollgateTestServer? _server;

    public FakeBedrockUpstream Upstream { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public static string Config(string baseUrl) => $$"""
        server:
          master_key: {{GatewayFixture.MasterKey}}
        providers:
          aws:
            type: bedrock
            region: us-east-1
            access_key_id: ${AWS_ACCESS_KEY_ID}
            secret_access_key: ${AWS_SECRET_ACCESS_KEY}
            session_token: ${AWS_SESSION_TOKEN}
            base_url: {{baseUrl}}
        models:
          claude-bedrock: { deployments: [ { provider: aws, model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" } ] }
          bedrock-throttled: { deployments: [ { provider: aws, model: bedrock-429 } ] }
          bedrock-denied: { deployments: [ { provider: aws, model: bedrock-403 } ] }
          bedrock-midstream: { deployments: [ { provider: aws, model: bedrock-midstream-throttle } ] }
          titan-embed: { deployments: [ { provider: aws, model: "amazon.titan-embed-text-v2:0" } ] }
        """;

    public ChatClient Chat(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(Server.BaseUrl));

    public EmbeddingClient Embeddings(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(Server.BaseUrl));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        Upstream = await FakeBedrockUpstream.StartAsync(sessionToken: SessionToken, cancellationToken: cts.Token);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = FakeBedrockUpstream.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = FakeBedrockUpstream.SecretAccessKey,
            ["AWS_SESSION_TOKEN"] = SessionToken,
        };
        _server = await TollgateTestServer.StartAsync(Config(Upstream.BaseUrl), environment: environment);
        Http = GatewayFixture.CreateHttpClient(Server.BaseUrl, GatewayFixture.MasterKey);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}
