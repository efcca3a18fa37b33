using System.ClientModel;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Gemini;

namespace Tollgate.EndToEnd.Tests.Gemini;

/// <summary>
/// Tollgate with a <c>gemini</c> and a <c>vertex</c> provider in front of <see cref="FakeGeminiUpstream"/>, the Vertex
/// one authenticating with a service-account key file (<c>sa.json</c>, relative to the config file) against
/// <see cref="FakeGoogleTokenEndpoint"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the key.")]
public sealed class GeminiGatewayFixture : IAsyncLifetime
{
    public const string GeminiKey = "AIza-e2e-secret-key";

    private readonly FakeServiceAccountKey _key = new();
    private TollgateTestServer? _server;
    private string? _directory;

    public FakeGeminiUpstream Upstream { get; private set; } = null!;

    public FakeGoogleTokenEndpoint Tokens { get; private set; } = null!;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public string BaseUrl => Server.BaseUrl;

    public static string Config(string upstream, string tokenUrl) => $$"""
        server:
          master_key: {{GatewayFixture.MasterKey}}
        providers:
          google: { type: gemini, api_key: {{GeminiKey}}, base_url: {{upstream}} }
          gcp:
            type: vertex
            project: my-project
            location: us-central1
            credentials_file: sa.json
            token_url: {{tokenUrl}}
            base_url: {{upstream}}
          gcp-nokey: { type: vertex, project: my-project, location: us-central1, credentials_file: missing.json, token_url: {{tokenUrl}}, base_url: {{upstream}} }
        models:
          flash: { deployments: [ { provider: google, model: gemini-2.5-flash } ] }
          flash-tools: { deployments: [ { provider: google, model: gemini-tools } ] }
          flash-thinking: { deployments: [ { provider: google, model: gemini-thinking } ] }
          flash-429: { deployments: [ { provider: google, model: gemini-429 } ] }
          flash-blocked: { deployments: [ { provider: google, model: gemini-blocked } ] }
          vertex-flash: { deployments: [ { provider: gcp, model: gemini-2.5-flash } ] }
          vertex-tools: { deployments: [ { provider: gcp, model: gemini-tools } ] }
          vertex-nokey: { deployments: [ { provider: gcp-nokey, model: gemini-2.5-flash } ] }
          gemini-embed: { deployments: [ { provider: google, model: gemini-embedding-001 } ] }
          vertex-embed: { deployments: [ { provider: gcp, model: text-embedding-005 } ] }
        """;

    public ChatClient Chat(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(BaseUrl));

    public EmbeddingClient Embeddings(string model) => new(model, new ApiKeyCredential(GatewayFixture.MasterKey), GatewayFixture.SdkOptions(BaseUrl));

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        Upstream = await FakeGeminiUpstream.StartAsync(cts.Token);
        Upstream.ApiKey = GeminiKey;
        Tokens = await FakeGoogleTokenEndpoint.StartAsync(_key, cancellationToken: cts.Token);
        Upstream.TokenEndpoint = Tokens;
        _directory = Directory.CreateTempSubdirectory("tollgate-e2e-gemini-").FullName;
        _key.WriteTo(Path.Combine(_directory, "sa.json"), Tokens.TokenUrl);
        _server = await TollgateTestServer.StartAsync(Config(Upstream.BaseUrl, Tokens.TokenUrl), workingDirectory: _directory);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Upstream.DisposeAsync();
        await Tokens.DisposeAsync();
        _key.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
