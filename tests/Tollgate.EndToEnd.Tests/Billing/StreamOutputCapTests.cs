using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Core.Ledger;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Ledger;
using Tollgate.Testing.Anthropic;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.Billing;

/// <summary>
/// A stream that outruns its reservation is ended cleanly (issue 4, item 3), on the real server with
/// <c>server.default_output_tokens: 5</c>: the OpenAI pass-through cuts an upstream that streams past it with a
/// <c>length</c> finish, and the translated path sends the reservation upstream as the output limit.
/// </summary>
public sealed class StreamOutputCapTests : IAsyncLifetime
{
    private const string Prompt = "one two three four five six seven eight nine ten eleven twelve";

    private FakeOpenAIUpstream _openAI = null!;
    private FakeAnthropicUpstream _anthropic = null!;
    private TollgateTestServer _server = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        _openAI = await FakeOpenAIUpstream.StartAsync(GatewayFixture.UpstreamKey, cts.Token);
        _anthropic = await FakeAnthropicUpstream.StartAsync(cts.Token);
        _server = await TollgateTestServer.StartAsync($$"""
            server:
              master_key: sk-test-master
              default_output_tokens: 5
            providers:
              up: { type: openai, base_url: {{_openAI.BaseUrl}}, api_key: {{GatewayFixture.UpstreamKey}} }
              claude: { type: anthropic, base_url: {{_anthropic.BaseUrl}}, api_key: sk-ant-test }
            models:
              gpt: { deployments: [ { provider: up, model: gpt-4o-mini } ] }
              slow: { deployments: [ { provider: up, model: slow-stream } ] }
              sonnet: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
            pricing:
              overrides:
                - { provider: up, model: gpt-4o-mini, input: "100", output: "100" }
                - { provider: up, model: slow-stream, input: "100", output: "100" }
                - { provider: claude, model: claude-sonnet-4-5, input: "100", output: "100" }
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [Fact]
    public async Task Passthrough_StreamPastTheReservation_EndsWithLengthUsageAndDone()
    {
        var key = await CreateBudgetedKeyAsync("cut-raw");
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"model":"gpt","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"{{Prompt}}"}]}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal("one two three four five", SseReading.AssembleContent(events).Trim());
        Assert.Equal("[DONE]", events[^1]);
        using var usageChunk = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(6, usageChunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        using var finishChunk = JsonDocument.Parse(events[^3]);
        Assert.Equal("length", finishChunk.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Single(events, e => e.Contains("\"finish_reason\":\"length\"", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));

        // The upstream was sent the client's body unchanged but for the model: the relay, not the upstream, cut it.
        Assert.DoesNotContain("max_", _openAI.Requests[^1].Body, StringComparison.Ordinal);
        var record = await LedgerRecordAsync(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal(200, record.StatusCode);
        Assert.Equal(6, record.OutputTokens);
        Assert.True(record.InputTokens > 0, "the prompt estimate is billed as input");
    }

    [Fact]
    public async Task Passthrough_OpenAISdkStream_SeesLengthFinishAndTheCutUsage()
    {
        // The .NET SDK asks for stream usage itself (stream_options.include_usage).
        var key = await CreateBudgetedKeyAsync("cut-sdk");
        var chat = new ChatClient("gpt", new ApiKeyCredential(key), GatewayFixture.SdkOptions(_server.BaseUrl));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: TestTimeouts.Token()))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("one two three four five", text.ToString().Trim());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(6, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Passthrough_RequestWithoutReservation_IsNotCut()
    {
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, _server.MasterKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"model":"gpt","stream":true,"messages":[{"role":"user","content":"{{Prompt}}"}]}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(Prompt, SseReading.AssembleContent(events).Trim());
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Passthrough_ClientLimitBelowTheDefault_IsTheUpstreamsToEnforce()
    {
        var key = await CreateBudgetedKeyAsync("own-limit");
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"model":"gpt","stream":true,"max_tokens":3,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"{{Prompt}}"}]}"""),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal("one two three", SseReading.AssembleContent(events).Trim());
        using var usageChunk = JsonDocument.Parse(events[^2]);
        Assert.Equal(3, usageChunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var record = await LedgerRecordAsync(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal(3, record.OutputTokens);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Passthrough_ClientLeavesMidStream_IsBilledForWhatWasRelayed(bool budgeted)
    {
        // A budgeted key's stream is counted by the capped relay; the master key's by the fast path.
        var key = budgeted ? await CreateBudgetedKeyAsync("leaver") : _server.MasterKey;
        string requestId;
        using (var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key))
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json("""{"model":"slow","stream":true,"messages":[{"role":"user","content":"hello there"}]}""") })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token()))
        {
            requestId = response.Headers.GetValues("x-request-id").Single();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestTimeouts.Token()));
            Assert.NotNull(await SseReading.ReadDataAsync(reader, TestTimeouts.Token()));
        }

        // The upstream sent only its role chunk (no output yet) and never its usage chunk: the record carries the
        // prompt estimate, which the upstream was sent and bills, and no output.
        await _openAI.WaitForAbortAsync(TestTimeouts.Token());
        var ledger = _server.Services.GetRequiredService<IUsageLedger>();
        LedgerRecord? record = null;
        await TestTimeouts.PollAsync(
            async () =>
            {
                await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
                record = await ledger.FindAsync(requestId, TestTimeouts.Token());
                return record is not null;
            },
            "the abandoned stream's ledger record");
        Assert.Equal(0, record!.OutputTokens);
        Assert.True(record.InputTokens > 0, $"the prompt estimate is billed as input: {record}");
        Assert.True(record.CostNanoDollars > 0);
    }

    [Fact]
    public async Task Translated_RequestWithoutLimit_SendsTheReservationUpstream()
    {
        var key = await CreateBudgetedKeyAsync("translated");
        var chat = new ChatClient("sonnet", new ApiKeyCredential(key), GatewayFixture.SdkOptions(_server.BaseUrl));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: TestTimeouts.Token()))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish ??= update.FinishReason;
        }

        using var sent = JsonDocument.Parse(_anthropic.Requests[^1].RawBody);
        Assert.Equal(5, sent.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.True(text.Length > 0);
    }

    private async Task<string> CreateBudgetedKeyAsync(string name)
    {
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/keys") { Content = Json($$"""{"name":"{{name}}","budget_usd":10,"budget_period":"daily"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.MasterKey);
        using var response = await http.SendAsync(request, TestTimeouts.Token());
        var text = await response.Content.ReadAsStringAsync(TestTimeouts.Token());
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("key").GetString()!;
    }

    private async Task<LedgerRecord> LedgerRecordAsync(string requestId)
    {
        await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
        var record = await _server.Services.GetRequiredService<IUsageLedger>().FindAsync(requestId, TestTimeouts.Token());
        Assert.NotNull(record);
        return record;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
