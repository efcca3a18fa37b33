using System.ClientModel;
using Anthropic;
using Anthropic.Core;
using OpenAI;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.AzureOpenAI;
using Tollgate.Testing.Bedrock;
using Tollgate.Testing.Cohere;
using Tollgate.Testing.Gemini;
using Tollgate.Testing.Mistral;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.Contract;

/// <summary>Every fake upstream, and one Tollgate in front of all of them, for the surface x provider contract.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes the key.")]
public sealed class ContractFixture : IAsyncLifetime
{
    private const string MasterKey = "sk-contract-master";
    private const string UpstreamKey = "sk-upstream-test";
    private readonly List<IAsyncDisposable> _fakes = [];
    private readonly FakeServiceAccountKey _googleKey = new();
    private TollgateTestServer? _server;
    private string? _directory;

    /// <summary>The azure-openai, mistral and cohere types, and one OpenAI-compatible preset (groq) against the OpenAI fake.</summary>
    public static IReadOnlyList<string> CompatTargetNames { get; } = ["azure-openai", "mistral", "cohere", "groq"];

    /// <summary>The provider types under contract, by name.</summary>
    public static IReadOnlyList<string> TargetNames { get; } = ["openai", "anthropic", "simulated", "gemini", "vertex", "bedrock", .. CompatTargetNames];

    public IReadOnlyDictionary<string, ContractTarget> Targets { get; private set; } = new Dictionary<string, ContractTarget>();

    public HttpClient Http { get; private set; } = null!;

    internal TollgateTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public ChatClient OpenAIChat(string model) => new(model, new ApiKeyCredential(MasterKey), new OpenAIClientOptions { Endpoint = new Uri(Server.BaseUrl + "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

    public AnthropicClient AnthropicSdk() => new(new ClientOptions { BaseUrl = Server.BaseUrl, ApiKey = MasterKey, MaxRetries = 0, Timeout = TestTimeouts.Default });

    public async Task InitializeAsync()
    {
        // Step 1: the fakes.
        var openai = await FakeOpenAIUpstream.StartAsync(UpstreamKey);
        _fakes.Add(openai);
        var anthropic = await FakeAnthropicUpstream.StartAsync();
        _fakes.Add(anthropic);
        var google = await FakeGeminiUpstream.StartAsync();
        _fakes.Add(google);
        var googleTokens = await FakeGoogleTokenEndpoint.StartAsync(_googleKey);
        _fakes.Add(googleTokens);
        google.TokenEndpoint = googleTokens;
        var bedrock = await FakeBedrockUpstream.StartAsync();
        _fakes.Add(bedrock);
        _directory = Directory.CreateTempSubdirectory("tollgate-contract-").FullName;
        _googleKey.WriteTo(Path.Combine(_directory, "sa.json"), googleTokens.TokenUrl);

        // Step 2: one target per provider type.
        var targets = new List<ContractTarget>
        {
            new("openai", "c-openai", "c-openai-429", new(
                $"  c-openai: {{ type: openai, base_url: {openai.BaseUrl}, api_key: {UpstreamKey} }}\n",
                "  c-openai: { deployments: [ { provider: c-openai, model: gpt-4o-mini } ] }\n" +
                "  c-openai-429: { deployments: [ { provider: c-openai, model: fail-429 } ] }\n")),
            new("anthropic", "c-anthropic", "c-anthropic-429", new(
                $"  c-anthropic: {{ type: anthropic, base_url: {anthropic.BaseUrl}, api_key: sk-ant-test }}\n",
                "  c-anthropic: { deployments: [ { provider: c-anthropic, model: claude-sonnet-4-5 } ] }\n" +
                "  c-anthropic-429: { deployments: [ { provider: c-anthropic, model: anthropic-429 } ] }\n")),
            new("simulated", "c-simulated", "c-simulated-429", new(
                "  c-simulated: { type: simulated }\n" +
                "  c-simulated-429: { type: simulated, error_rate: 1, error_status: 429 }\n",
                "  c-simulated: { deployments: [ { provider: c-simulated, model: echo } ] }\n" +
                "  c-simulated-429: { deployments: [ { provider: c-simulated-429, model: echo } ] }\n")),

            // gemini-3 models refuse a tool-call history whose signatures did not survive the client's round trip.
            new("gemini", "c-gemini", "c-gemini-429", new(
                $"  c-gemini: {{ type: gemini, api_key: {google.ApiKey}, base_url: {google.BaseUrl} }}\n",
                "  c-gemini: { deployments: [ { provider: c-gemini, model: gemini-3-flash } ] }\n" +
                "  c-gemini-429: { deployments: [ { provider: c-gemini, model: gemini-429 } ] }\n")),
            new("vertex", "c-vertex", "c-vertex-429", new(
                $"  c-vertex: {{ type: vertex, project: my-project, location: us-central1, credentials_file: sa.json, token_url: {googleTokens.TokenUrl}, base_url: {google.BaseUrl} }}\n",
                "  c-vertex: { deployments: [ { provider: c-vertex, model: gemini-3-flash } ] }\n" +
                "  c-vertex-429: { deployments: [ { provider: c-vertex, model: gemini-429 } ] }\n")),
            new("bedrock", "c-bedrock", "c-bedrock-429", new(
                $"  c-bedrock: {{ type: bedrock, region: us-east-1, access_key_id: {FakeBedrockUpstream.AccessKeyId}, secret_access_key: \"{FakeBedrockUpstream.SecretAccessKey}\", base_url: {bedrock.BaseUrl} }}\n",
                "  c-bedrock: { deployments: [ { provider: c-bedrock, model: \"us.anthropic.claude-sonnet-4-5-20250929-v1:0\" } ] }\n" +
                "  c-bedrock-429: { deployments: [ { provider: c-bedrock, model: bedrock-429 } ] }\n")),
        };
        var azure = await FakeAzureOpenAIUpstream.StartAsync();
        _fakes.Add(azure);
        var mistral = await FakeMistralUpstream.StartAsync();
        _fakes.Add(mistral);
        var cohere = await FakeCohereUpstream.StartAsync();
        _fakes.Add(cohere);
        targets.AddRange(
        [
            new("azure-openai", "c-azure", "c-azure-429", new(
                $"  c-azure: {{ type: azure-openai, base_url: {azure.BaseUrl}, api_key: azure-test-key }}\n",
                "  c-azure: { deployments: [ { provider: c-azure, model: gpt4o-prod } ] }\n" +
                "  c-azure-429: { deployments: [ { provider: c-azure, model: azure-429 } ] }\n")),
            new("mistral", "c-mistral", "c-mistral-429", new(
                $"  c-mistral: {{ type: mistral, base_url: {mistral.BaseUrl}, api_key: mistral-test-key }}\n",
                "  c-mistral: { deployments: [ { provider: c-mistral, model: mistral-small-latest } ] }\n" +
                "  c-mistral-429: { deployments: [ { provider: c-mistral, model: mistral-429 } ] }\n")),
            new("cohere", "c-cohere", "c-cohere-429", new(
                $"  c-cohere: {{ type: cohere, base_url: {cohere.BaseUrl}, api_key: cohere-test-key }}\n",
                "  c-cohere: { deployments: [ { provider: c-cohere, model: command-a-03-2025 } ] }\n" +
                "  c-cohere-429: { deployments: [ { provider: c-cohere, model: cohere-429 } ] }\n")),
            new("groq", "c-groq", "c-groq-429", new(
                $"  c-groq: {{ type: groq, base_url: {openai.BaseUrl}, api_key: {UpstreamKey} }}\n",
                "  c-groq: { deployments: [ { provider: c-groq, model: llama-3.3-70b-versatile } ] }\n" +
                "  c-groq-429: { deployments: [ { provider: c-groq, model: fail-429 } ] }\n")),
        ]);
        Targets = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);

        // Step 3: Tollgate with all of them.
        var yaml = $"server:\n  master_key: {MasterKey}\nproviders:\n{string.Concat(targets.Select(t => t.Yaml.Providers))}models:\n{string.Concat(targets.Select(t => t.Yaml.Models))}";
        _server = await TollgateTestServer.StartAsync(yaml, MasterKey, _directory);
        Http = GatewayFixture.CreateHttpClient(Server.BaseUrl, MasterKey);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (var fake in _fakes)
        {
            await fake.DisposeAsync();
        }

        _googleKey.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
