using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Tollgate.Accounts;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Gateway;
using Tollgate.Core.Keys;
using Tollgate.Core.Ledger;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Routing;
using Tollgate.Ledger;
using Tollgate.Providers;

namespace Tollgate.Benchmarks;

/// <summary>
/// The metering stage's own work on the request path, once per request: the usage record, the price lookup and cost,
/// the ledger record, and the hand-over to both sinks (which here only count, so the background writers are not in it).
/// </summary>
[MemoryDiagnoser]
public class MeteringBenchmarks
{
    private static readonly Task<int> Done = Task.FromResult(0);
    private readonly CountingSinks _sinks = new();
    private MeteringHandler _handler = null!;
    private GatewaySnapshot _snapshot = null!;
    private RouteTarget _target = null!;
    private CallerIdentity _master = null!;
    private CallerIdentity _teamKey = null!;
    private GatewayDelegate _answer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var provider = new ProviderConfig { Name = "openai", Type = "openai", BaseUrl = "http://127.0.0.1:1/v1", ApiKey = "sk-bench" };
        var deployment = new DeploymentConfig { Provider = "openai", Model = "gpt-4o-mini" };
        var model = new ModelConfig { Name = "mini", Deployments = [deployment] };
        var config = new TollgateConfig
        {
            Server = new ServerConfig(),
            Providers = new Dictionary<string, ProviderConfig> { ["openai"] = provider },
            Models = new Dictionary<string, ModelConfig> { ["mini"] = model },
        };
        _snapshot = new GatewaySnapshot(config, new Dictionary<string, IChatProvider>(), SHA256.HashData(Encoding.UTF8.GetBytes("sk-master")), 1);

        // Pricing reads the provider type and deployment, never the adapter.
        _target = new RouteTarget(model, deployment, provider, null!);
        _master = CallerIdentity.Master;
        var now = DateTimeOffset.UnixEpoch;
        _teamKey = new CallerIdentity("key_bench", IsAdmin: false)
        {
            Key = new VirtualKeyRecord
            {
                Id = "key_bench",
                Name = "bench",
                SecretHash = "hash",
                DisplayPrefix = "tg-bench",
                TeamId = "team_bench",
                UserId = "user_bench",
                Tags = ["prod", "bench"],
                CreatedAt = now,
                UpdatedAt = now,
            },
        };
        _handler = new MeteringHandler(_sinks, TimeProvider.System, _sinks);
        var usage = new ChatUsage { InputTokens = 1_200, CachedInputTokens = 1_024, OutputTokens = 300 };
        _answer = context =>
        {
            context.Usage = usage;
            context.FirstTokenTimestamp = TimeProvider.System.GetTimestamp();
            return Done;
        };
    }

    /// <summary>A priced request by the master key (no team, user or tags): what the load test sends.</summary>
    [Benchmark(Baseline = true)]
    public Task MasterKeyRequest() => _handler.InvokeAsync(Context(_master), _answer);

    /// <summary>A priced request by a virtual key with a team, a user and two tags.</summary>
    [Benchmark]
    public Task TeamKeyRequest() => _handler.InvokeAsync(Context(_teamKey), _answer);

    private GatewayContext Context(CallerIdentity caller) => new()
    {
        RequestId = "req_0193a0b1c2d37e4f8a9b0c1d2e3f4a5b",
        Surface = WireFormat.OpenAI,
        Operation = ApiOperation.Chat,
        RequestedModel = "mini",
        Snapshot = _snapshot,
        StartTimestamp = TimeProvider.System.GetTimestamp(),
        Caller = caller,
        Target = _target,
    };

    private sealed class CountingSinks : IUsageSink, ILedgerSink
    {
        public long Count { get; private set; }

        public bool TryWrite(UsageRecord record)
        {
            Count++;
            return true;
        }

        public bool Enqueue(LedgerRecord record)
        {
            Count++;
            return true;
        }
    }
}
