using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Core.Metering;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.Anthropic;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>The official Anthropic SDK through Tollgate to an Anthropic upstream: the byte pass-through.</summary>
public sealed class AnthropicPassthroughSurfaceTests(AnthropicSurfaceFixture gateway) : IClassFixture<AnthropicSurfaceFixture>
{
    [Fact]
    public async Task Create_Sdk_RelaysAnswerAndRewritesOnlyTheModel()
    {
        var marker = Marker();

        var message = await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "claude",
                MaxTokens = 64,
                Messages = [new MessageParam { Role = Role.User, Content = $"hello passthrough world {marker}" }],
            },
            TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"hello passthrough world {marker}", text!.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(4, message.Usage.InputTokens);
        Assert.Equal(4, message.Usage.OutputTokens);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v1/messages", upstream.Path);
        Assert.Equal(AnthropicSurfaceFixture.AnthropicUpstreamKey, upstream.Headers["x-api-key"]);
        Assert.Equal("claude-sonnet-4-5", upstream.Body!["model"]!.GetValue<string>());
        Assert.Equal(64, upstream.Body!["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task CreateStreaming_Sdk_AssemblesTextAndMetersCacheTokens()
    {
        var marker = Marker();
        var text = new StringBuilder();
        string? stopReason = null;
        gateway.Anthropic.CacheReadInputTokens = 5;
        gateway.Anthropic.CacheCreationInputTokens = 3;
        try
        {
            await foreach (var ev in gateway.Sdk().Messages.CreateStreaming(
                new MessageCreateParams
                {
                    Model = "claude-usage",
                    MaxTokens = 64,
                    Messages = [new MessageParam { Role = Role.User, Content = $"stream me these words {marker}" }],
                },
                TestTimeouts.Token()))
            {
                if (ev.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var chunk))
                {
                    text.Append(chunk!.Text);
                }

                if (ev.TryPickDelta(out var messageDelta))
                {
                    stopReason = messageDelta!.Delta.StopReason?.Raw();
                }
            }
        }
        finally
        {
            gateway.Anthropic.CacheReadInputTokens = 0;
            gateway.Anthropic.CacheCreationInputTokens = 0;
        }

        Assert.Equal($"stream me these words {marker}", text.ToString());
        Assert.Equal("end_turn", stopReason);
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("claude-usage")?.Requests >= 1, "the stream's usage record");

        // Anthropic's input_tokens (5 words) excludes cache reads (5) and writes (3); the ledger's includes them.
        Assert.Equal(13, totals.Get("claude-usage")!.InputTokens);
        Assert.Equal(5, totals.Get("claude-usage")!.OutputTokens);
    }

    [Fact]
    public async Task Stream_RawHttp_RelaysUpstreamEventsInOrder()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"three small words"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        var events = await AnthropicSse.ReadAllAsync(response, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
    }

    [Fact]
    public async Task BetasAndVersion_RepeatedHeaders_ForwardedUpstream()
    {
        var marker = Marker();
        using var http = gateway.Raw(version: "2024-10-22");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = AnthropicSurfaceFixture.Json($$"""{"model":"claude","max_tokens":16,"messages":[{"role":"user","content":"betas {{marker}}"}]}"""),
        };
        request.Headers.Add("anthropic-beta", "interleaved-thinking-2025-05-14, context-1m-2025-08-07");
        request.Headers.Add("anthropic-beta", "fine-grained-tool-streaming-2025-05-14");

        using var response = await http.SendAsync(request, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = ReceivedWith(marker);
        Assert.Equal("interleaved-thinking-2025-05-14,context-1m-2025-08-07,fine-grained-tool-streaming-2025-05-14", upstream.Headers["anthropic-beta"]);
        Assert.Equal("2024-10-22", upstream.Headers["anthropic-version"]);
    }

    [Fact]
    public async Task UpstreamBadRequest_Sdk_PassedThroughInAnthropicShape()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude","max_tokens":16,"messages":[{"role":"system","content":"not allowed here"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");

        Assert.StartsWith("messages.0.role: Unexpected role \"system\"", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamRateLimit_Sdk_RateLimitErrorWithRetryAfter()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude-429","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, (HttpStatusCode)429, "rate_limit_error");

        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => gateway.Sdk().Messages.Create(
            new MessageCreateParams { Model = "claude-429", MaxTokens = 16, Messages = [new MessageParam { Role = Role.User, Content = "hi" }] },
            TestTimeouts.Token()));
        Assert.Equal((HttpStatusCode)429, ex.StatusCode);
    }

    [Fact]
    public async Task UpstreamOverloaded_529_OverloadedError()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude-529","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, (HttpStatusCode)529, "overloaded_error");

        Assert.Equal("Overloaded", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task UpstreamRejectsProviderKey_401_NeverQuotesTheKey()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude-401","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        var raw = await response.Content.ReadAsStringAsync(TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(AnthropicSurfaceFixture.AnthropicUpstreamKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream-secret", raw, StringComparison.Ordinal);
        using var error = JsonDocument.Parse(raw);
        Assert.Equal("authentication_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task MidstreamError_RelayedAsErrorEvent()
    {
        using var http = gateway.Raw();
        var body = """{"model":"claude-midstream","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"one two three four five"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        var events = await AnthropicSse.ReadAllAsync(response, TestTimeouts.Token());

        Assert.Equal("error", events[^1].Name);
        Assert.Contains("overloaded_error", events[^1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTokens_Sdk_AskedOfTheUpstream()
    {
        var marker = Marker();

        var count = await gateway.Sdk().Messages.CountTokens(
            new MessageCountTokensParams
            {
                Model = "claude",
                System = "be brief",
                Messages = [new MessageParam { Role = Role.User, Content = $"count these four {marker}" }],
            },
            TestTimeouts.Token());

        Assert.Equal(6, count.InputTokens);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v1/messages/count_tokens", upstream.Path);
        Assert.Equal("claude-sonnet-4-5", upstream.Body!["model"]!.GetValue<string>());
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..8];

    private RecordedAnthropicRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Anthropic.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
