using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Core.Metering;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;
using Tollgate.Testing.Anthropic;

namespace Tollgate.EndToEnd.Tests.Anthropic;

/// <summary>An OpenAI client through Tollgate to an Anthropic upstream: the translated path.</summary>
public sealed class AnthropicTranslationTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Completion_Sdk_ReturnsTranslatedTextAndUsage()
    {
        var marker = Marker();

        var completion = (await gateway.Chat("sonnet").CompleteChatAsync([new UserChatMessage($"bonjour le monde {marker}")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"bonjour le monde {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v1/messages", upstream.Path);
        Assert.Equal("sk-ant-test", upstream.Headers["x-api-key"]);
        Assert.Equal("claude-sonnet-4-5", upstream.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_Sdk_AssemblesTextWithUsage()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in gateway.Chat("sonnet").CompleteChatStreamingAsync([new UserChatMessage($"stream these five words {marker}")], cancellationToken: TestTimeouts.Token()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal($"stream these five words {marker}", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
        Assert.Equal(5, usage.OutputTokenCount);
        Assert.True(ReceivedWith(marker).Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Streaming_WithoutIncludeUsage_NoUsageChunkButMetered()
    {
        var body = """{"model":"sonnet-usage","stream":true,"messages":[{"role":"user","content":"count these six words please"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = OpenAIPassthroughTests.Json(body) };

        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("count these six words please", SseReading.AssembleContent(events));
        Assert.DoesNotContain(events, e => e.Contains("\"usage\":{", StringComparison.Ordinal));
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("sonnet-usage")?.Requests >= 1, "the stream's usage record");
        Assert.Equal(5, totals.Get("sonnet-usage")!.InputTokens);
        Assert.Equal(5, totals.Get("sonnet-usage")!.OutputTokens);
    }

    [Fact]
    public async Task Streaming_MidstreamError_EndsWithOpenAIErrorEvent()
    {
        var body = """{"model":"claude-midstream","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = OpenAIPassthroughTests.Json(body) };

        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("one two", SseReading.AssembleContent(events[..^1]));
        OpenAIErrorAssert.HasShape(events[^1], type: "overloaded_error");
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Streaming_RateLimitedBeforeFirstByte_Sdk_Sees429()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var update in gateway.Chat("claude-429").CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()))
            {
                Assert.Fail("no update is expected from a refused stream");
            }
        });

        Assert.Equal(429, ex.Status);
    }

    [Fact]
    public async Task UpstreamServerError_RawHttp_Returns500()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"claude-500","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 500);
    }

    [Fact]
    public async Task Tools_TwoTurns_PairToolUseAndToolResultById()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather in a city.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage($"call: Oslo {marker}")];
        var client = gateway.Chat("sonnet");

        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("toolu_", call.Id, StringComparison.Ordinal);
        Assert.Equal($"call: Oslo {marker}", JsonNode.Parse(call.FunctionArguments.ToString())!["echo"]!.GetValue<string>());
        var offered = ReceivedWith(marker).Body!["tools"]![0]!;
        Assert.Equal("get_weather", offered["name"]!.GetValue<string>());
        Assert.Equal("object", offered["input_schema"]!["type"]!.GetValue<string>());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, $"snowing {marker}"));
        var second = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal($"snowing {marker}", second.Content[0].Text);
        var sent = gateway.Anthropic.Requests.Last(r => r.RawBody.Contains(marker, StringComparison.Ordinal)).Body!["messages"]!.AsArray();
        Assert.Equal(3, sent.Count);
        var toolUse = sent[1]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        var toolResult = sent[2]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_result")!;
        Assert.Equal("assistant", sent[1]!["role"]!.GetValue<string>());
        Assert.Equal("user", sent[2]!["role"]!.GetValue<string>());
        Assert.Equal(call.Id, toolUse["id"]!.GetValue<string>());
        Assert.Equal(call.Id, toolResult["tool_use_id"]!.GetValue<string>());
        Assert.Equal($"call: Oslo {marker}", toolUse["input"]!["echo"]!.GetValue<string>());
    }

    [Fact]
    public async Task SystemMessage_BecomesTopLevelSystem()
    {
        var marker = Marker();

        await gateway.Chat("sonnet").CompleteChatAsync([new SystemChatMessage($"You are terse {marker}"), new UserChatMessage($"hi {marker}")], cancellationToken: TestTimeouts.Token());

        var body = ReceivedWith(marker).Body!;
        var system = body["system"]!;
        var systemText = system is JsonValue ? system.GetValue<string>() : string.Concat(system.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal($"You are terse {marker}", systemText);
        var message = Assert.Single(body["messages"]!.AsArray());
        Assert.Equal("user", message!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task MaxTokens_ClientSentNone_ModelDefaultApplied()
    {
        var marker = Marker();

        await gateway.Chat("sonnet").CompleteChatAsync([new UserChatMessage($"no limit {marker}")], cancellationToken: TestTimeouts.Token());

        Assert.Equal(64000, ReceivedWith(marker).Body!["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task StopSequences_CutAnswerAndReachUpstream()
    {
        var marker = Marker();
        var options = new ChatCompletionOptions { StopSequences = { "HALT" } };

        var completion = (await gateway.Chat("sonnet").CompleteChatAsync([new UserChatMessage($"alpha {marker} HALT omega")], options, TestTimeouts.Token())).Value;

        Assert.Equal($"alpha {marker}", completion.Content[0].Text.TrimEnd());
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("HALT", Assert.Single(ReceivedWith(marker).Body!["stop_sequences"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task RateLimited_Sdk_Sees429()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            gateway.Chat("claude-429").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, ex.Status);
    }

    [Fact]
    public async Task RateLimited_RawHttp_OpenAIShapedErrorWithRetryAfter()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"claude-429","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 429, type: "rate_limit_error");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Overloaded_Sdk_Sees529()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            gateway.Chat("claude-529").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(529, ex.Status);
    }

    [Fact]
    public async Task MultipleChoices_NTwo_Refused400WithoutCallingUpstream()
    {
        var marker = Marker();
        var body = $$"""{"model":"sonnet","n":2,"messages":[{"role":"user","content":"two please {{marker}}"}]}""";

        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(body), TestTimeouts.Token());

        var error = await OpenAIErrorAssert.HasErrorAsync(response, 400, type: "invalid_request_error");
        Assert.Contains("n > 1", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Anthropic.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private RecordedAnthropicRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Anthropic.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
