using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Routing;

/// <summary>Failover, fallbacks, deadlines, hedging and the routing headers, through the real server.</summary>
public sealed class RoutingEndToEndTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>
{
    [Fact]
    public async Task Chat_FirstDeploymentsFail_AnswersFromTheHealthyOneWithRoutingHeaders()
    {
        using var response = await PostChatAsync("failover");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up/gpt-4o-mini", Header(response, "x-tollgate-deployment"));
        Assert.Equal("3", Header(response, "x-tollgate-attempts"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("hello there", body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_StreamFailsBeforeFirstByte_FailsOverAndStreamsOnlyTheWinner()
    {
        using var response = await PostChatAsync("failover", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", Header(response, "x-tollgate-attempts"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("error", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"hello", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_TranslatedDeploymentOverloaded_FailsOverToPassthrough()
    {
        using var response = await PostChatAsync("translated-failover", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up/gpt-4o-mini", Header(response, "x-tollgate-deployment"));
        Assert.Equal("2", Header(response, "x-tollgate-attempts"));
        Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_PassthroughDeploymentFails_FailsOverToAnthropic()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent("""{"model":"anthropic-failover","max_tokens":32,"messages":[{"role":"user","content":"hello there"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await fixture.Http.SendAsync(request, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("claude/claude-sonnet-4-5", Header(response, "x-tollgate-deployment"));
        Assert.Equal("2", Header(response, "x-tollgate-attempts"));
        Assert.Equal("message", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("with-fallback")]
    [InlineData("rate-limited")]
    public async Task Chat_ModelSpent_FallsBackToAnotherModel(string model)
    {
        using var response = await PostChatAsync(model);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up/gpt-4o-mini", Header(response, "x-tollgate-deployment"));
        Assert.Equal("2", Header(response, "x-tollgate-attempts"));
    }

    [Fact]
    public async Task Chat_429WithNoRequestsRemaining_RestsTheDeploymentAndSkipsItToTheRateLimitFallback()
    {
        using (var first = await PostChatAsync("rate-limited-twice"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("2", Header(first, "x-tollgate-attempts"));
        }

        var resting = await DeploymentAsync("rate-limited-twice", "up-limited/fail-429");
        Assert.Equal("rate_limited", resting.GetProperty("state").GetString());
        Assert.Equal(0, resting.GetProperty("remaining_requests").GetInt64());
        Assert.False(resting.GetProperty("available").GetBoolean());

        // While it rests (retry-after: 2), the next request goes straight to the rate-limit fallback.
        var before = fixture.OpenAI.Requests.Count(r => r.Body.Contains("fail-429", StringComparison.Ordinal));
        using var second = await PostChatAsync("rate-limited-twice");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("1", Header(second, "x-tollgate-attempts"));
        Assert.Equal("up/gpt-4o-mini", Header(second, "x-tollgate-deployment"));
        Assert.Equal(before, fixture.OpenAI.Requests.Count(r => r.Body.Contains("fail-429", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Chat_NonRetryableClientError_IsAnsweredWithoutTryingOthers()
    {
        var before = fixture.OpenAI.Requests.Count;

        using var response = await PostChatAsync("bad-request");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("1", Header(response, "x-tollgate-attempts"));
        Assert.Equal("claude/anthropic-401", Header(response, "x-tollgate-deployment"));
        Assert.Equal(before, fixture.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task Chat_ClientTimeoutHeader_BoundsEveryAttempt()
    {
        var started = Stopwatch.GetTimestamp();

        using var response = await PostChatAsync("hanging", headers: [("x-tollgate-timeout", "400ms")]);

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("deadline_exceeded", error.GetProperty("code").GetString());
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1400));
    }

    [Fact]
    public async Task Chat_DeadlinePassesMidStream_EndsTheStartedStreamWithAnErrorEvent()
    {
        var started = Stopwatch.GetTimestamp();

        using var response = await PostChatAsync("stalls-mid-stream", stream: true, headers: [("x-tollgate-timeout", "500ms")]);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"content\"", text, StringComparison.Ordinal);
        Assert.Contains("deadline_exceeded", text, StringComparison.Ordinal);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5s")]
    public async Task Chat_InvalidTimeoutHeader_Is400(string value)
    {
        using var response = await PostChatAsync("target", headers: [("x-tollgate-timeout", value)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("x-tollgate-timeout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_FirstTokenTimeout_FailsOverToTheNextDeployment()
    {
        using var response = await PostChatAsync("slow-first-token", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up/gpt-4o-mini", Header(response, "x-tollgate-deployment"));
        Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_Hedging_FastDeploymentAnswersWhileTheSlowOneIsCancelled()
    {
        var started = Stopwatch.GetTimestamp();

        using var response = await PostChatAsync("hedged");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-fast/echo", Header(response, "x-tollgate-deployment"));
        Assert.Equal("2", Header(response, "x-tollgate-attempts"));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), "answered before the slow deployment's first token (3 s)");
        await TestTimeouts.PollAsync(async () => (await DeploymentAsync("hedged", "sim-slow/echo")).GetProperty("in_flight").GetInt32() == 0, "the slow attempt to be cancelled");
    }

    [Fact]
    public async Task Embeddings_FirstDeploymentFails_FailsOver()
    {
        using var content = new StringContent("""{"model":"embed-failover","input":"hello"}""", Encoding.UTF8, "application/json");
        using var response = await fixture.Http.PostAsync("v1/embeddings", content, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up/text-embedding-3-small", Header(response, "x-tollgate-deployment"));
        Assert.Equal("2", Header(response, "x-tollgate-attempts"));
    }

    [Fact]
    public async Task AdminDeployments_AfterRepeatedFailures_ShowsTheDeploymentCoolingDown()
    {
        for (var i = 0; i < 2; i++)
        {
            using var response = await PostChatAsync("breaker");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var failing = await DeploymentAsync("breaker", "up-breaker/fail-500");
        Assert.Equal("cooling_down", failing.GetProperty("state").GetString());
        Assert.Equal("open", failing.GetProperty("circuit").GetString());
        Assert.False(failing.GetProperty("available").GetBoolean());
        Assert.InRange(failing.GetProperty("cooldown_remaining_ms").GetDouble(), 1, 60_000);
        Assert.True(failing.GetProperty("consecutive_failures").GetInt32() >= 2);

        var healthy = await DeploymentAsync("breaker", "up-breaker/gpt-4o-mini");
        Assert.Equal("healthy", healthy.GetProperty("state").GetString());
        Assert.True(healthy.GetProperty("latency_ms").GetProperty("p50").GetDouble() > 0);
        Assert.Equal(0, healthy.GetProperty("error_rate").GetDouble());

        // While the circuit is open the failing deployment is not called at all.
        using var skipped = await PostChatAsync("breaker");
        Assert.Equal("1", Header(skipped, "x-tollgate-attempts"));
    }

    [Fact]
    public async Task AdminDeployments_UnknownModel_Is400()
    {
        using var response = await fixture.Http.GetAsync("admin/deployments?model=nope", TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonElement> DeploymentAsync(string model, string deployment)
    {
        using var response = await fixture.Http.GetAsync($"admin/deployments?model={model}", TestTimeouts.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("list", list.GetProperty("object").GetString());
        return list.GetProperty("data").EnumerateArray().Single(d => d.GetProperty("deployment").GetString() == deployment).Clone();
    }

    private async Task<HttpResponseMessage> PostChatAsync(string model, bool stream = false, (string Name, string Value)[]? headers = null)
    {
        var json = stream
            ? $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"hello there"}]}"""
            : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello there"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        return await fixture.Http.SendAsync(request, TestTimeouts.Token());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
