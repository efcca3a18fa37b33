using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Configuration;
using Tollgate.Core.Gateway;
using Tollgate.Core.Http;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Testing;

/// <summary>Builds gateway state, configs and contexts for the pipeline tests.</summary>
internal static class TestGateway
{
    public static GatewayState CreateState(params IChatProviderFactory[] factories) =>
        new(new ProviderRegistry(factories), new ProviderHttpClients(new FakeHttpMessageHandlerFactory()), TimeProvider.System, new Random(1), NullLoggerFactory.Instance);

    public static TollgateConfig EmptyConfig() => new()
    {
        Server = new ServerConfig(),
        Providers = new Dictionary<string, ProviderConfig>(),
        Models = new Dictionary<string, ModelConfig>(),
    };

    public static TollgateConfig Config(IEnumerable<ProviderConfig> providers, IEnumerable<ModelConfig>? models = null) => new()
    {
        Server = new ServerConfig(),
        Providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal),
        Models = (models ?? []).ToDictionary(m => m.Name, StringComparer.Ordinal),
    };

    public static ProviderConfig Provider(string name, string baseUrl = "http://127.0.0.1:1/v1", string type = "fake") =>
        new() { Name = name, Type = type, BaseUrl = baseUrl, ApiKey = "sk-test" };

    public static ModelConfig Model(string name, string provider, string deploymentModel) =>
        new() { Name = name, Deployments = [new DeploymentConfig { Provider = provider, Model = deploymentModel }] };

    public static GatewaySnapshot Snapshot(TollgateConfig? config = null, IReadOnlyDictionary<string, IChatProvider>? providers = null) =>
        new(config ?? EmptyConfig(), providers ?? new Dictionary<string, IChatProvider>(), SHA256.HashData(Encoding.UTF8.GetBytes("sk-master")), 1);

    public static GatewayContext Context(GatewaySnapshot? snapshot = null, string model = "", string? key = null, long start = 0, CancellationToken aborted = default) => new()
    {
        RequestId = "req_1",
        Surface = WireFormat.OpenAI,
        Operation = ApiOperation.Chat,
        RequestedModel = model,
        PresentedKey = key,
        Snapshot = snapshot ?? Snapshot(),
        RequestAborted = aborted,
        StartTimestamp = start,
    };
}
