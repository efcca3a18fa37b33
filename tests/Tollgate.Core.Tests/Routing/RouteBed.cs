using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Configuration;
using Tollgate.Core.Gateway;
using Tollgate.Core.Pipeline;
using Tollgate.Core.Routing;
using Tollgate.Core.Tests.Testing;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Routing;

/// <summary>
/// Models over fake providers named <c>a</c> to <c>f</c>, and a runner whose attempts are played by a script: each
/// deployment key maps to what its attempt does (answer, throw, hang until cancelled).
/// </summary>
internal sealed class RouteBed
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    private readonly GatewaySnapshot _snapshot;

    public RouteBed(params ModelConfig[] models)
        : this(TimeProvider.System, models)
    {
    }

    public RouteBed(TimeProvider time, params ModelConfig[] models)
    {
        Time = time;
        var providers = "abcdef".Select(c => TestGateway.Provider(c.ToString(), type: "openai")).ToList();
        var config = TestGateway.Config(providers, models);
        _snapshot = TestGateway.Snapshot(config, providers.ToDictionary(p => p.Name, p => (IChatProvider)new FakeChatProvider(p), StringComparer.Ordinal));
        Registry = new DeploymentHealthRegistry(time);
        Runner = new RouteRunner(time, NullLogger<RouteRunner>.Instance);
    }

    public TimeProvider Time { get; }

    public DeploymentHealthRegistry Registry { get; }

    public RouteRunner Runner { get; }

    /// <summary>What each deployment's attempts do, by <c>provider/model</c>; unlisted deployments answer at once.</summary>
    public Dictionary<string, Func<RouteAttempt, Task<string>>> Script { get; } = new(StringComparer.Ordinal);

    /// <summary>The deployment keys of the attempts started, in order.</summary>
    public List<string> Started { get; } = [];

    public static ModelConfig Model(string name, string deployments, RoutingConfig? routing = null) => new()
    {
        Name = name,
        Deployments = [.. deployments.Split(',').Select(d => new DeploymentConfig { Provider = d.Split('/')[0], Model = d.Split('/')[1] })],
        Routing = routing ?? RoutingConfig.Default,
    };

    public GatewayContext Context(string model, long? promptTokens = null, TimeSpan? clientTimeout = null, bool stream = false)
    {
        var context = TestGateway.Context(_snapshot, model: model, start: Time.GetTimestamp());
        context.Stream = stream;
        context.ClientTimeout = clientTimeout;
        context.Route = RoutePlan.Create(_snapshot, _snapshot.Config.Models[model], Registry, new Random(1), Time, stream, promptTokens);
        context.Target = context.Route.Preview();
        return context;
    }

    /// <summary>Runs the request; returns what the winning attempt answered.</summary>
    public async Task<string> RunAsync(GatewayContext context)
    {
        string? written = null;
        await Runner.RunAsync(
            context,
            async attempt =>
            {
                lock (Started)
                {
                    Started.Add(attempt.Target.Deployment.Key);
                }

                var answer = Script.TryGetValue(attempt.Target.Deployment.Key, out var play) ? await play(attempt) : attempt.Target.Deployment.Key;
                return new PrimedAnswer<string>(answer);
            },
            (answer, _) =>
            {
                written = answer.Value;
                return Task.CompletedTask;
            }).WaitAsync(TestTimeout);
        return written!;
    }

    public static Func<RouteAttempt, Task<string>> Fails(int status, TimeSpan? retryAfter = null, string? code = null, string message = "upstream failed") =>
        _ => Task.FromException<string>(new ProviderException(ProviderErrorKind.Upstream, status, message) { RetryAfter = retryAfter, ErrorCode = code });

    public static Func<RouteAttempt, Task<string>> Hangs() =>
        async attempt =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, attempt.Token);
            return "never";
        };

    public static Func<RouteAttempt, Task<string>> AnswersAfter(TimeSpan delay, string answer) =>
        async attempt =>
        {
            await Task.Delay(delay, attempt.Token);
            return answer;
        };
}
