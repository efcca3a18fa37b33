using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;
using Tollgate.Testing.Bedrock;

namespace Tollgate.EndToEnd.Tests.Bedrock;

/// <summary>The official OpenAI .NET SDK through Tollgate to a (fake) Amazon Bedrock: every request SigV4-signed and checked.</summary>
public sealed class BedrockTranslationTests(BedrockGatewayFixture gateway) : IClassFixture<BedrockGatewayFixture>
{
    [Fact]
    public async Task Completion_Sdk_ReturnsTranslatedTextAndUsage()
    {
        var marker = Marker();

        var completion = (await gateway.Chat("claude-bedrock").CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage($"bonjour le monde {marker}")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"bonjour le monde {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(6, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", upstream.RawTarget);
        Assert.Equal(BedrockGatewayFixture.SessionToken, upstream.Headers["x-amz-security-token"]);
        Assert.Equal("Be brief.", (string?)upstream.Body!["system"]![0]!["text"]);
    }

    [Fact]
    public async Task Streaming_Sdk_AssemblesTextWithUsage()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in gateway.Chat("claude-bedrock").CompleteChatStreamingAsync([new UserChatMessage($"stream these five words {marker}")], cancellationToken: TestTimeouts.Token()))
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
        Assert.Equal("converse-stream", ReceivedWith(marker).Operation);
    }

    [Fact]
    public async Task Tools_TwoTurns_ToolUseAndToolResultPairedById()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather in a city.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage($"call: Oslo {marker}")];
        var client = gateway.Chat("claude-bedrock");

        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("tooluse_", call.Id, StringComparison.Ordinal);
        Assert.Equal($"call: Oslo {marker}", JsonNode.Parse(call.FunctionArguments.ToString())!["echo"]!.GetValue<string>());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, $"snowing {marker}"));
        var second = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Equal($"snowing {marker}", second.Content[0].Text);
        var sent = gateway.Upstream.Requests.Last(r => r.RawBody.Contains("snowing", StringComparison.Ordinal) && r.RawBody.Contains(marker, StringComparison.Ordinal)).Body!["messages"]!.AsArray();
        Assert.Equal(3, sent.Count);
        Assert.Equal(call.Id, (string?)sent[1]!["content"]![0]!["toolUse"]!["toolUseId"]);
        Assert.Equal(call.Id, (string?)sent[2]!["content"]![0]!["toolResult"]!["toolUseId"]);
    }

    [Fact]
    public async Task Embeddings_SdkBase64_VectorsPerInput()
    {
        var result = (await gateway.Embeddings("titan-embed").GenerateEmbeddingsAsync(["one two", "three four five"], new global::OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 256 }, TestTimeouts.Token())).Value;

        Assert.Equal(2, result.Count);
        Assert.Equal(256, result[0].ToFloats().Length);
        Assert.Equal(2f, result[0].ToFloats().Span[0]);
        Assert.Equal(3f, result[1].ToFloats().Span[0]);
        Assert.Equal(5, result.Usage.InputTokenCount);
    }

    [Fact]
    public async Task RateLimited_RawHttp_OpenAIShapedErrorWithRetryAfter()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"bedrock-throttled","messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        var error = await OpenAIErrorAssert.HasErrorAsync(response, 429, type: "rate_limit_error");
        Assert.Equal("Too many requests, please wait before trying again.", error.GetProperty("message").GetString());
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task AccessDenied_Sdk_Sees403WithRedactedMessage()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            gateway.Chat("bedrock-denied").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(403, ex.Status);
        Assert.DoesNotContain("model ID", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_MidstreamThrottlingException_EndsWithOpenAIErrorEvent()
    {
        var body = """{"model":"bedrock-midstream","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = OpenAIPassthroughTests.Json(body) };

        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("one two", SseReading.AssembleContent(events[..^1]));
        OpenAIErrorAssert.HasShape(events[^1], type: "rate_limit_error");
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task ImageByUrl_RawHttp_Refused400WithoutCallingUpstream()
    {
        var marker = Marker();
        var body = $$$"""{"model":"claude-bedrock","messages":[{"role":"user","content":[{"type":"text","text":"{{{marker}}}"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""";

        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(body), TestTimeouts.Token());

        var error = await OpenAIErrorAssert.HasErrorAsync(response, 400, type: "invalid_request_error");
        Assert.Contains("'aws'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Upstream.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private RecordedBedrockRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Upstream.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
