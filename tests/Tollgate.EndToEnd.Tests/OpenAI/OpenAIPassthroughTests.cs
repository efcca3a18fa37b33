using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Core.Metering;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.OpenAI;

/// <summary>An OpenAI client through Tollgate to an OpenAI-format upstream: the byte pass-through path.</summary>
public sealed class OpenAIPassthroughTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private static readonly BinaryData WeatherParameters = BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    [Fact]
    public async Task Completion_Sdk_ReturnsAnswerAndUsageWithModelRewritten()
    {
        var marker = Marker();
        var result = await gateway.Chat("gpt-test").CompleteChatAsync([new UserChatMessage($"hello there {marker}")], cancellationToken: TestTimeouts.Token());

        var completion = result.Value;
        Assert.Equal($"hello there {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(3, completion.Usage.InputTokenCount);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("gpt-4o-mini", JsonNode.Parse(upstream.Body)!["model"]!.GetValue<string>());
        Assert.Contains("\"model\":\"gpt-4o-mini\"", upstream.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("gpt-test", upstream.Body, StringComparison.Ordinal);
        Assert.Equal("Bearer " + GatewayFixture.UpstreamKey, upstream.Headers["Authorization"]);
    }

    [Fact]
    public async Task Completion_UnknownFields_ReachUpstreamUntouched()
    {
        var marker = Marker();
        var body = $$$"""{"model":"gpt-test","messages":[{"role":"user","content":"keep {{{marker}}}"}],"metadata":{"team":"blue","n":[1,2.50,{"x":null}]},"custom_field":{"nested":"véritable ünicode ✓"}}""";

        using var response = await gateway.Http.PostAsync("v1/chat/completions", Json(body), TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        var upstream = ReceivedWith(marker);
        Assert.Contains("""{"team":"blue","n":[1,2.50,{"x":null}]}""", upstream.Body, StringComparison.Ordinal);
        Assert.Contains("""{"nested":"véritable ünicode ✓"}""", upstream.Body, StringComparison.Ordinal);
        Assert.Equal(body.Replace("\"gpt-test\"", "\"gpt-4o-mini\"", StringComparison.Ordinal), upstream.Body);
    }

    [Fact]
    public async Task Streaming_Sdk_AssemblesTextAndReadsUsageFromFinalChunk()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in gateway.Chat("gpt-test").CompleteChatStreamingAsync(
            [new UserChatMessage($"one two three four {marker}")], cancellationToken: TestTimeouts.Token()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal($"one two three four {marker}", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
        Assert.Equal(5, usage.OutputTokenCount);
        Assert.Contains("\"include_usage\":true", ReceivedWith(marker).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_WithoutIncludeUsage_HidesUsageChunkButMetersTokens()
    {
        var marker = Marker();
        var body = $$"""{"model":"gpt-usage","stream":true,"messages":[{"role":"user","content":"a b c d e f {{marker}}"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(body) };

        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal($"a b c d e f {marker}", SseReading.AssembleContent(events));
        Assert.DoesNotContain(events, e => e.Contains("\"usage\":{", StringComparison.Ordinal));
        Assert.Contains("\"stream_options\":{\"include_usage\":true}", ReceivedWith(marker).Body, StringComparison.Ordinal);
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("gpt-usage")?.Requests >= 1, "the stream's usage record");
        Assert.Equal(7, totals.Get("gpt-usage")!.InputTokens);
        Assert.Equal(7, totals.Get("gpt-usage")!.OutputTokens);
    }

    [Fact]
    public async Task Completion_ModelLastWithWhitespace_RewrittenInPlace()
    {
        var marker = Marker();
        var body = $$"""
            {
              "messages" : [ { "role" : "user", "content" : "pretty {{marker}}" } ],
              "model"    :   "gpt-test"
            }
            """;

        using var response = await gateway.Http.PostAsync("v1/chat/completions", Json(body), TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(body.Replace("\"gpt-test\"", "\"gpt-4o-mini\"", StringComparison.Ordinal), ReceivedWith(marker).Body);
    }

    [Fact]
    public async Task Streaming_UpstreamRateLimited_Sdk_Sees429WithRetryAfter()
    {
        var body = """{"model":"gpt-429","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

        var ex = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(async () =>
        {
            await foreach (var update in gateway.Chat("gpt-429").CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()))
            {
                Assert.Fail("no update is expected from a refused stream");
            }
        });
        using var response = await gateway.Http.PostAsync("v1/chat/completions", Json(body), TestTimeouts.Token());

        Assert.Equal(429, ex.Status);
        // OpenAI's own 429 types are "requests" and "tokens"; the pass-through keeps them.
        await OpenAIErrorAssert.HasErrorAsync(response, 429, type: "requests", code: "rate_limit_exceeded");
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Tools_Sdk_RoundTripToolCallAndResult()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather in a city.", WeatherParameters);
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateAutoChoice() };
        List<ChatMessage> messages = [new UserChatMessage($"call: Paris {marker}")];
        var client = gateway.Chat("gpt-test");

        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        Assert.Equal($"Paris {marker}", JsonNode.Parse(call.FunctionArguments.ToString())!["echo"]!.GetValue<string>());
        Assert.Contains("\"tool_choice\":\"auto\"", ReceivedWith(marker).Body, StringComparison.Ordinal);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "sunny and 21 degrees"));
        var second = (await client.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateNoneChoice() }, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal($"call: Paris {marker}", second.Content[0].Text);
        var sent = JsonNode.Parse(gateway.OpenAI.Requests.Last(r => r.Body.Contains(marker, StringComparison.Ordinal) && r.Body.Contains("\"tool\"", StringComparison.Ordinal)).Body)!;
        var sentMessages = sent["messages"]!.AsArray();
        Assert.Equal(call.Id, sentMessages[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("tool", sentMessages[2]!["role"]!.GetValue<string>());
        Assert.Equal(call.Id, sentMessages[2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ImagePart_Sdk_ReachesUpstream()
    {
        var marker = Marker();
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart($"describe {marker}"),
            ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png"), ChatImageDetailLevel.Low));

        var completion = (await gateway.Chat("gpt-test").CompleteChatAsync([message], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"describe {marker}", completion.Content[0].Text);
        var part = JsonNode.Parse(ReceivedWith(marker).Body)!["messages"]![0]!["content"]!.AsArray().Single(p => p!["type"]!.GetValue<string>() == "image_url")!;
        Assert.Equal("https://example.com/cat.png", part["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal("low", part["image_url"]!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonObjectFormat_Sdk_ReachesUpstream()
    {
        var marker = Marker();
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() };

        await gateway.Chat("gpt-test").CompleteChatAsync([new UserChatMessage($"json please {marker}")], options, TestTimeouts.Token());

        Assert.Equal("json_object", JsonNode.Parse(ReceivedWith(marker).Body)!["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_Sdk_ReturnsUnitVectorThroughBase64()
    {
        var marker = Marker();

        var embedding = (await gateway.Embeddings("embed").GenerateEmbeddingAsync($"embed me {marker}", cancellationToken: TestTimeouts.Token())).Value;

        var vector = embedding.ToFloats();
        Assert.Equal(1536, vector.Length);
        Assert.InRange(Norm(vector.Span), 0.999, 1.001);
        var upstream = JsonNode.Parse(ReceivedWith(marker).Body)!;
        Assert.Equal("text-embedding-3-small", upstream["model"]!.GetValue<string>());
        Assert.Equal("base64", upstream["encoding_format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_FloatEncoding_MatchesBase64Vector()
    {
        var marker = Marker();
        var input = $"same text {marker}";
        var sdkVector = (await gateway.Embeddings("embed").GenerateEmbeddingAsync(input, cancellationToken: TestTimeouts.Token())).Value.ToFloats();

        using var response = await gateway.Http.PostAsync(
            "v1/embeddings", Json($$"""{"model":"embed","input":"{{input}}","encoding_format":"float"}"""), TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeouts.Token()));
        var floats = doc.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(sdkVector.ToArray(), floats);
        Assert.Equal(3, doc.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task RequestId_EveryResponse_CarriesHeader()
    {
        using var ok = await gateway.Http.PostAsync("v1/chat/completions", Json("""{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());
        using var notFound = await gateway.Http.PostAsync("v1/chat/completions", Json("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());
        using var upstreamError = await gateway.Http.PostAsync("v1/chat/completions", Json("""{"model":"gpt-500","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());
        using var own = new HttpRequestMessage(HttpMethod.Get, "v1/models") { Headers = { { "x-request-id", "my-trace-42" } } };
        using var echoed = await gateway.Http.SendAsync(own, TestTimeouts.Token());

        var ids = new[] { ok, notFound, upstreamError }.Select(r => Assert.Single(r.Headers.GetValues("x-request-id"))).ToList();
        Assert.Equal([200, 404, 500], new[] { ok, notFound, upstreamError }.Select(r => (int)r.StatusCode));
        Assert.All(ids, id => Assert.StartsWith("req_", id, StringComparison.Ordinal));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.StartsWith("req_", Assert.Single(echoed.Headers.GetValues("x-request-id")), StringComparison.Ordinal);
        Assert.Equal("my-trace-42", Assert.Single(echoed.Headers.GetValues("x-client-request-id")));
    }

    [Fact]
    public async Task Concurrency_FiftyParallelRequests_AllSucceedAndAreMetered()
    {
        var client = gateway.Chat("gpt-parallel");
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            (await client.CompleteChatAsync([new UserChatMessage($"request number {i}")], cancellationToken: TestTimeouts.Token())).Value.Content[0].Text));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"request number {i}"), answers);
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("gpt-parallel")?.Requests == 50, "50 usage records");
        Assert.Equal(150, totals.Get("gpt-parallel")!.OutputTokens);
        Assert.Equal(0, totals.Get("gpt-parallel")!.Errors);
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private static double Norm(ReadOnlySpan<float> vector)
    {
        var sum = 0.0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }

    private FakeOpenAIRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.OpenAI.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
}
