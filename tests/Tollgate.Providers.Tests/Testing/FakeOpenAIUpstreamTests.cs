using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tollgate.Testing.OpenAI;

namespace Tollgate.Providers.Tests.Testing;

public sealed class FakeOpenAIUpstreamTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

#pragma warning disable RS0030 // tests own their client
    private static readonly HttpClient Client = new();
#pragma warning restore RS0030

    private FakeOpenAIUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAIUpstream.StartAsync().WaitAsync(TestTimeout);
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync().AsTask().WaitAsync(TestTimeout);
    }

    [Fact]
    public void BaseUrl_IsLoopbackV1()
    {
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/v1$", _upstream.BaseUrl);
    }

    [Fact]
    public async Task Chat_WrongKey_Returns401InvalidApiKey()
    {
        using var response = await PostAsync("chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "sk-wrong-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal(
            "Incorrect API key provided: sk-wro***. You can find your API key at https://platform.openai.com/account/api-keys.",
            error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{not json", "We could not parse the JSON body of your request.", null, null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "you must provide a model parameter", null, null)]
    [InlineData("""{"model":"gpt-4o"}""", "Missing required parameter: 'messages'.", "messages", "missing_required_parameter")]
    [InlineData(
        """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""",
        "Invalid type for 'temperature': expected a decimal, but got a string instead.", "temperature", "invalid_type")]
    [InlineData(
        """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":1.5}""",
        "Invalid type for 'n': expected an integer, but got a decimal instead.", "n", "invalid_type")]
    public async Task Chat_BadRequest_Returns400LikeOpenAI(string body, string messageStart, string? param, string? code)
    {
        using var response = await PostAsync("chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.StartsWith(messageStart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Chat_Text_EchoesLastUserTextAsChatCompletion()
    {
        _upstream.CachedTokens = 2;
        using var response = await PostAsync("chat/completions", """
            {"model":"my-model","messages":[{"role":"system","content":"be nice"},{"role":"user","content":[{"type":"text","text":"hello there world"}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("my-model", root.GetProperty("model").GetString());
        var choice = Assert.Single(root.GetProperty("choices").EnumerateArray().ToList());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("hello there world", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("refusal").ValueKind);
        Assert.Equal(0, choice.GetProperty("message").GetProperty("annotations").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(5, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(8, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal("default", root.GetProperty("service_tier").GetString());
        Assert.True(root.TryGetProperty("system_fingerprint", out _));

        var recorded = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("Bearer sk-upstream-test", recorded.Headers["authorization"]);
        Assert.Contains("hello there world", recorded.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MaxTokensStopAndN_AreHonoured()
    {
        using var response = await PostAsync("chat/completions", """
            {"model":"m","messages":[{"role":"user","content":"one two three four five"}],"max_completion_tokens":2,"n":2}
            """);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choices = json.RootElement.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.All(choices.EnumerateArray(), c =>
        {
            Assert.Equal("one two", c.GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("length", c.GetProperty("finish_reason").GetString());
        });
        Assert.Equal(4, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var stopped = await PostAsync("chat/completions", """{"model":"m","messages":[{"role":"user","content":"one two STOP three"}],"stop":["STOP"]}""");
        using var stoppedJson = JsonDocument.Parse(await stopped.Content.ReadAsStringAsync());
        Assert.Equal("one two", stoppedJson.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_ToolChoiceRequired_ReturnsToolCall()
    {
        using var response = await PostAsync("chat/completions", """
            {"model":"m","messages":[{"role":"user","content":"Paris"}],"tool_choice":"required",
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = message.GetProperty("tool_calls")[0];
        Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"echo":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task Chat_StreamWithUsage_RoleContentFinishUsageThenDone()
    {
        using var response = await PostAsync("chat/completions", """
            {"model":"m","messages":[{"role":"user","content":"a b c"}],"stream":true,"stream_options":{"include_usage":true}}
            """);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));

        var firstDelta = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", firstDelta.GetProperty("role").GetString());
        Assert.Equal(string.Empty, firstDelta.GetProperty("content").GetString());
        Assert.Equal(["a", " b", " c"], chunks[1..4].Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("stop", chunks[4].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));

        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(3, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(6, chunks.Count);
    }

    [Fact]
    public async Task Chat_StreamWithoutUsage_HasNoUsageField()
    {
        using var response = await PostAsync("chat/completions", """{"model":"m","messages":[{"role":"user","content":"a"}],"stream":true}""");

        var events = await ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Chat_StreamToolCall_IdAndNameFirstThenArgumentFragments()
    {
        using var response = await PostAsync("chat/completions", """
            {"model":"m","messages":[{"role":"user","content":"call: Rome"}],"stream":true,
             "tools":[{"type":"function","function":{"name":"lookup"}}]}
            """);

        var chunks = (await ReadEventsAsync(response))[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();

        var firstCall = chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal("lookup", firstCall.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(string.Empty, firstCall.GetProperty("function").GetProperty("arguments").GetString());
        var arguments = string.Concat(chunks[1..^1].Select(c =>
            c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"echo":"Rome"}""", arguments);
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Chat_Fail429_ReturnsRateLimitWithHeaders()
    {
        using var response = await PostAsync("chat/completions", """{"model":"fail-429","messages":[{"role":"user","content":"a"}]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("rate_limit_exceeded", (await ErrorAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("fail-500", 500)]
    [InlineData("fail-503", 503)]
    public async Task Chat_FailScenario_ReturnsServerError(string model, int status)
    {
        using var response = await PostAsync("chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"a"}]}""");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("server_error", (await ErrorAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Chat_HangCancelledByClient_RecordsAbort()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            PostAsync("chat/completions", """{"model":"hang","messages":[{"role":"user","content":"a"}]}""", cancellationToken: cts.Token));

        await _upstream.WaitForAbortAsync().WaitAsync(TestTimeout);
        Assert.Equal(1, _upstream.AbortedRequests);
    }

    [Fact]
    public async Task Chat_SlowStream_SendsOneChunkThenWaitsForAbort()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _upstream.BaseUrl + "/chat/completions")
        {
            Content = new StringContent("""{"model":"slow-stream","messages":[{"role":"user","content":"a b"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-upstream-test");
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeout);
        var stream = await response.Content.ReadAsStreamAsync().WaitAsync(TestTimeout);
        using var reader = new StreamReader(stream);

        var line = await reader.ReadLineAsync().WaitAsync(TestTimeout);
        Assert.StartsWith("data: {", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(TestTimeout));
        var next = reader.ReadLineAsync();
        await Task.Delay(200);
        Assert.False(next.IsCompleted);

        response.Dispose();
        await _upstream.WaitForAbortAsync().WaitAsync(TestTimeout);
        Assert.Equal(1, _upstream.AbortedRequests);
    }

    [Fact]
    public async Task Embeddings_FloatAndBase64_SameDeterministicUnitVectors()
    {
        using var asFloat = await PostAsync("embeddings", """{"model":"text-embedding-3-small","input":["hello world","bye"],"dimensions":16}""");
        using var floatJson = JsonDocument.Parse(await asFloat.Content.ReadAsStringAsync());
        var root = floatJson.RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        Assert.Equal("text-embedding-3-small", root.GetProperty("model").GetString());
        Assert.Equal(3, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var first = root.GetProperty("data")[0];
        Assert.Equal("embedding", first.GetProperty("object").GetString());
        Assert.Equal(0, first.GetProperty("index").GetInt32());
        var vector = first.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(16, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);

        using var asBase64 = await PostAsync("embeddings", """{"model":"text-embedding-3-small","input":"hello world","dimensions":16,"encoding_format":"base64"}""");
        using var base64Json = JsonDocument.Parse(await asBase64.Content.ReadAsStringAsync());
        var bytes = Convert.FromBase64String(base64Json.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
        Assert.Equal(vector, decoded);
    }

    [Fact]
    public async Task Models_ListsModels()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _upstream.BaseUrl + "/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-upstream-test");
        using var response = await Client.SendAsync(request).WaitAsync(TestTimeout);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        Assert.Contains(json.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "gpt-4o-mini");
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string apiKey = "sk-upstream-test", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _upstream.BaseUrl + "/" + path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await Client.SendAsync(request, cancellationToken).WaitAsync(TestTimeout, cancellationToken);
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeout);
        return JsonDocument.Parse(text).RootElement.GetProperty("error");
    }

    /// <summary>The data of every SSE event, checking each is a single <c>data:</c> line followed by a blank line.</summary>
    private static async Task<string[]> ReadEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeout);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        return text[..^2].Split("\n\n").Select(e =>
        {
            Assert.StartsWith("data: ", e, StringComparison.Ordinal);
            return e["data: ".Length..];
        }).ToArray();
    }
}
