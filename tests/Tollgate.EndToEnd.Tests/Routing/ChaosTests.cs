using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tollgate.EndToEnd.Tests.Routing;

/// <summary>
/// 10,000 requests through deployments that fail at random (5xx, 429), one that never produces a first token in time,
/// and one that is healthy: every request must succeed, and none may overrun its deadline by more than 50 ms.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Concurrency = 32;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    private const string Config = """
        server:
          master_key: sk-test-master
        providers:
          flaky-503: { type: simulated, error_rate: 0.5, error_status: 503 }
          flaky-500: { type: simulated, error_rate: 0.7, error_status: 500 }
          flaky-429: { type: simulated, error_rate: 0.3, error_status: 429 }
          stuck: { type: simulated, time_to_first_token: 5s }
          steady: { type: simulated }
        models:
          chaos:
            strategy: weighted
            deployments:
              - { provider: flaky-503, model: echo, weight: 3 }
              - { provider: flaky-500, model: echo, weight: 3 }
              - { provider: flaky-429, model: echo, weight: 2 }
              - { provider: stuck, model: echo, weight: 0.5 }
              - { provider: steady, model: echo, weight: 1 }
            first_token_timeout: 150ms
            retries: 2
            backoff: { initial: 5ms, max: 20ms }
            circuit_breaker: { failures: 10, failure_rate: 0.9, min_requests: 20, window: 2s, cooldown: 100ms }
        """;

    [Fact]
    public async Task Chaos_RandomFailuresWithOneHealthyDeployment_EveryRequestSucceedsWithinItsDeadline()
    {
        await using var server = await TollgateTestServer.StartAsync(Config);
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, GatewayFixture.MasterKey);
        await WarmUpAsync(http);
        var failures = new ConcurrentQueue<string>();
        var overruns = new ConcurrentQueue<TimeSpan>();
        var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var deployments = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var slowest = TimeSpan.Zero;
        var gate = new object();
        var run = Stopwatch.StartNew();

        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < Requests)
            {
                var n = Volatile.Read(ref next);
                var stream = n % 3 == 0;
                var json = $$"""{"model":"chaos","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"request {{n}}"}]}""";
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Add("x-tollgate-timeout", "2s");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, TestTimeouts.Token());
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(started);
                lock (gate)
                {
                    slowest = elapsed > slowest ? elapsed : slowest;
                }

                if (elapsed > Deadline + Slack)
                {
                    overruns.Enqueue(elapsed);
                    failures.Enqueue($"request {n} took {elapsed.TotalMilliseconds:0} ms, {(int)response.StatusCode}, at {run.Elapsed.TotalMilliseconds:0} ms into the run");
                }

                var ok = response.StatusCode == HttpStatusCode.OK &&
                    (stream ? body.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) && !body.Contains("\"error\"", StringComparison.Ordinal)
                            : body.Contains($"request {n}", StringComparison.Ordinal));
                if (!ok)
                {
                    failures.Enqueue($"{(int)response.StatusCode} stream={stream} attempts={string.Join(",", response.Headers.TryGetValues("x-tollgate-attempts", out var fa) ? fa : [])} deployment={string.Join(",", response.Headers.TryGetValues("x-tollgate-deployment", out var fd) ? fd : [])} {body[..Math.Min(body.Length, 200)]}");
                }

                attempts.AddOrUpdate(response.Headers.TryGetValues("x-tollgate-attempts", out var a) ? a.First() : "?", 1, (_, c) => c + 1);
                deployments.AddOrUpdate(response.Headers.TryGetValues("x-tollgate-deployment", out var d) ? d.First() : "?", 1, (_, c) => c + 1);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        var summary = $"{Requests} requests in {run.Elapsed.TotalSeconds:0.0} s, slowest {slowest.TotalMilliseconds:0} ms; attempts {Describe(attempts)}; answered by {Describe(deployments)}";
        output.WriteLine(summary);
        Assert.True(failures.IsEmpty, $"{failures.Count} failed: {string.Join(" | ", failures.Take(5))}; {summary}");
        Assert.True(overruns.IsEmpty, $"{overruns.Count} overran the deadline by more than {Slack.TotalMilliseconds} ms; {summary}");

        // The run did exercise failover: over a tenth of the requests needed more than one attempt, and flaky deployments answered some.
        Assert.True(attempts.Where(a => a.Key != "1").Sum(a => a.Value) > Requests / 10, summary);
        Assert.True(deployments.ContainsKey("steady/echo"), summary);
        Assert.True(deployments.Keys.Count(k => k.StartsWith("flaky-", StringComparison.Ordinal)) >= 2, summary);

        using var admin = await http.GetAsync("admin/deployments?model=chaos", TestTimeouts.Token());
        var data = JsonDocument.Parse(await admin.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.Equal(5, data.GetArrayLength());
        Assert.All(data.EnumerateArray(), d => Assert.Equal(0, d.GetProperty("in_flight").GetInt32()));
    }

    /// <summary>Runs a few requests first, so just-in-time compilation is not counted against the deadline.</summary>
    private static async Task WarmUpAsync(HttpClient http)
    {
        for (var i = 0; i < 20; i++)
        {
            using var content = new StringContent($$"""{"model":"chaos","stream":{{(i % 2 == 0 ? "true" : "false")}},"messages":[{"role":"user","content":"warm"}]}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("v1/chat/completions", content, TestTimeouts.Token());
            await response.Content.ReadAsStringAsync();
        }
    }

    private static string Describe(ConcurrentDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));
}
