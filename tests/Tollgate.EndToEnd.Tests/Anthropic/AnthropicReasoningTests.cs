using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;
using Tollgate.Testing.Anthropic;

namespace Tollgate.EndToEnd.Tests.Anthropic;

/// <summary>
/// The official OpenAI SDK through Tollgate to an Anthropic upstream with extended thinking: reasoning_effort becomes a
/// thinking config, the answer carries Claude's signed thinking as <c>thinking_blocks</c>, and those blocks sent back
/// on the next turn reach the upstream as signed thinking blocks before the tool_use (which the fake, like the real
/// API, checks).
/// </summary>
public sealed class AnthropicReasoningTests : IAsyncLifetime
{
    private const string MasterKey = "sk-test-master";

    private static readonly ChatTool WeatherTool = ChatTool.CreateFunctionTool(
        "get_weather", "The weather in a city.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));

    private FakeAnthropicUpstream _upstream = null!;
    private TollgateTestServer _server = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        _upstream = await FakeAnthropicUpstream.StartAsync(cts.Token);
        _server = await TollgateTestServer.StartAsync($$"""
            server:
              master_key: {{MasterKey}}
            providers:
              claude:
                type: anthropic
                base_url: {{_upstream.BaseUrl}}
                api_key: sk-ant-test
            models:
              thinker: { deployments: [ { provider: claude, model: claude-sonnet-4-5 } ] }
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task ReasoningEffort_ToolTurnThenThinkingBlocksSentBack_ReachUpstreamSignedBeforeToolUse()
    {
        var client = new ChatClient("thinker", new ApiKeyCredential(MasterKey), GatewayFixture.SdkOptions(_server.BaseUrl));
#pragma warning disable OPENAI001 // reasoning_effort is the feature under test
        var options = new ChatCompletionOptions { Tools = { WeatherTool }, ReasoningEffortLevel = ChatReasoningEffortLevel.Low };
#pragma warning restore OPENAI001

        // Turn 1: the SDK's typed call; the raw body shows what the SDK does not model.
        var first = await client.CompleteChatAsync([new UserChatMessage("call: Oslo")], options, TestTimeouts.Token());

        var completion = first.Value;
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.StartsWith("toolu_", call.Id, StringComparison.Ordinal);
        var sent = Assert.Single(_upstream.Requests).Body!;
        AssertJson("""{"type":"enabled","budget_tokens":2048}""", sent["thinking"]);
        var message = JsonNode.Parse(first.GetRawResponse().Content.ToString())!["choices"]![0]!["message"]!.AsObject();
        Assert.Equal("Thinking about: call: Oslo", (string?)message["reasoning_content"]);
        var block = Assert.Single(message["thinking_blocks"]!.AsArray())!;
        Assert.Equal("thinking", (string?)block["type"]);
        Assert.Equal("Thinking about: call: Oslo", (string?)block["thinking"]);
        var signature = (string)block["signature"]!;
        Assert.StartsWith("sig_msg_fake_", signature, StringComparison.Ordinal);

        // Turn 2: the assistant message exactly as answered (thinking_blocks included) and the tool result, through the
        // SDK's protocol method, since its typed messages carry no thinking_blocks.
        var body = new JsonObject
        {
            ["model"] = "thinker",
            ["reasoning_effort"] = "low",
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"""),
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "call: Oslo" },
                message.DeepClone(),
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = call.Id, ["content"] = "snowing" }),
        };
        var second = await client.CompleteChatAsync(
            BinaryContent.Create(BinaryData.FromString(body.ToJsonString())),
            new RequestOptions { CancellationToken = TestTimeouts.Token() });

        Assert.Equal(200, second.GetRawResponse().Status);
        var answer = JsonNode.Parse(second.GetRawResponse().Content.ToString())!["choices"]![0]!["message"]!;
        Assert.Equal("snowing", (string?)answer["content"]);
        var assistantTurn = _upstream.Requests[1].Body!["messages"]![1]!;
        Assert.Equal("assistant", (string?)assistantTurn["role"]);
        var blocks = assistantTurn["content"]!.AsArray();
        Assert.Equal(new string?[] { "thinking", "tool_use" }, blocks.Select(b => (string?)b!["type"]).ToArray());
        AssertJson($$"""{"type":"thinking","thinking":"Thinking about: call: Oslo","signature":"{{signature}}"}""", blocks[0]);
        Assert.Equal(call.Id, (string?)blocks[1]!["id"]);
    }

    [Fact]
    public async Task ToolTurnSentBackWithoutThinkingBlocks_UpstreamRefusesAnd400Reaches()
    {
        var client = new ChatClient("thinker", new ApiKeyCredential(MasterKey), GatewayFixture.SdkOptions(_server.BaseUrl));
#pragma warning disable OPENAI001 // reasoning_effort is the feature under test
        var options = new ChatCompletionOptions { Tools = { WeatherTool }, ReasoningEffortLevel = ChatReasoningEffortLevel.Low };
#pragma warning restore OPENAI001
        List<ChatMessage> messages = [new UserChatMessage("call: Bergen")];
        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        // The SDK's typed assistant message drops thinking_blocks: the history no longer satisfies Anthropic.
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(first.ToolCalls[0].Id, "rain"));
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync(messages, options, TestTimeouts.Token()));

        Assert.Equal(400, ex.Status);
        Assert.Contains("thinking", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_ReasoningEffort_ReasoningContentThenSignatureThenText()
    {
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, MasterKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = OpenAIPassthroughTests.Json("""{"model":"thinker","stream":true,"reasoning_effort":"minimal","messages":[{"role":"user","content":"three little words"}]}"""),
        };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        var deltas = events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!["choices"]!.AsArray().FirstOrDefault()?["delta"]).Where(d => d is not null).ToList();
        Assert.Equal("Thinking about: three little words", string.Concat(deltas.Select(d => (string?)d!["reasoning_content"])));
        var signatureAt = deltas.FindIndex(d => d!["thinking_blocks"] is not null);
        AssertJson("""[{"type":"thinking","thinking":"","signature":"sig_msg_fake_0001"}]""", deltas[signatureAt]!["thinking_blocks"]);
        Assert.True(signatureAt < deltas.FindIndex(d => (string?)d!["content"] is { Length: > 0 }));
        Assert.Equal("three little words", SseReading.AssembleContent(events));
        AssertJson("""{"type":"enabled","budget_tokens":1024}""", Assert.Single(_upstream.Requests).Body!["thinking"]);
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
