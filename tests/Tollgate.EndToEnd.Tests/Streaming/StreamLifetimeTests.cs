using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.Streaming;

/// <summary>
/// How a stream ends when the client leaves or the upstream stalls. Abort detection needs a fake of its own per
/// test: a fake reports only its first aborted request.
/// </summary>
public sealed class StreamLifetimeTests
{
    private static readonly TimeSpan AbortDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ClientDisconnect_PassthroughStream_AbortsUpstreamRequest()
    {
        await using var openAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, TestTimeouts.Token());
        await using var anthropic = await FakeAnthropicUpstream.StartAsync(TestTimeouts.Token());
        await using var server = await TollgateTestServer.StartAsync(GatewayFixture.Config(openAI.BaseUrl, anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl()));

        await ReadFirstEventThenLeaveAsync(server, "slow");

        await openAI.WaitForAbortAsync().WaitAsync(AbortDeadline);
        Assert.Equal(1, openAI.AbortedRequests);
        Assert.Equal(0, anthropic.AbortedRequests);
    }

    [Fact]
    public async Task ClientDisconnect_TranslatedStream_AbortsUpstreamRequest()
    {
        await using var openAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, TestTimeouts.Token());
        await using var anthropic = await FakeAnthropicUpstream.StartAsync(TestTimeouts.Token());
        await using var server = await TollgateTestServer.StartAsync(GatewayFixture.Config(openAI.BaseUrl, anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl()));

        await ReadFirstEventThenLeaveAsync(server, "claude-hang");

        await anthropic.WaitForAbortAsync().WaitAsync(AbortDeadline);
        Assert.Equal(1, anthropic.AbortedRequests);
        Assert.Equal(0, openAI.AbortedRequests);
    }

    [Fact]
    public async Task IdleTimeout_MidStream_EndsClientStreamWithErrorEvent()
    {
        await using var openAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, TestTimeouts.Token());
        await using var anthropic = await FakeAnthropicUpstream.StartAsync(TestTimeouts.Token());
        await using var server = await TollgateTestServer.StartAsync(GatewayFixture.Config(openAI.BaseUrl, anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl()));
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, server.MasterKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = OpenAIPassthroughTests.Json("""{"model":"gpt-idle","stream":true,"messages":[{"role":"user","content":"never finished"}]}"""),
        };
        var started = TimeProvider.System.GetTimestamp();

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.True(events.Count >= 2, $"a first chunk, then an error event: {string.Join(" | ", events)}");
        Assert.Contains("\"role\":\"assistant\"", events[0], StringComparison.Ordinal);
        OpenAIErrorAssert.HasShape(events[^1]);
        Assert.Contains("idle", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", events);
        await openAI.WaitForAbortAsync().WaitAsync(AbortDeadline);
    }

    private static async Task ReadFirstEventThenLeaveAsync(TollgateTestServer server, string model)
    {
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, server.MasterKey);
        using var leave = new CancellationTokenSource(TestTimeouts.Default);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = OpenAIPassthroughTests.Json($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"talk slowly"}]}"""),
        };
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, leave.Token))
        {
            Assert.Equal(200, (int)response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(leave.Token));
            var first = await SseReading.ReadDataAsync(reader, leave.Token);
            Assert.NotNull(first);
            Assert.Contains("\"chat.completion.chunk\"", first, StringComparison.Ordinal);

            // Cancel a read in progress, as a client closing its stream does. (Disposing an idle response instead
            // would first drain it for up to two seconds to keep the connection.)
            var pending = SseReading.ReadDataAsync(reader, leave.Token);
            await leave.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending).WaitAsync(TestTimeouts.Default);
        }
    }
}
