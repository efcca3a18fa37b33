using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Gemini;

/// <summary>The official OpenAI .NET SDK through Tollgate to Gemini API and Vertex AI upstreams: the translated path.</summary>
public sealed class GeminiEndToEndTests(GeminiGatewayFixture gateway) : IClassFixture<GeminiGatewayFixture>
{
    [Theory]
    [InlineData("flash", "/v1beta/models/gemini-2.5-flash:generateContent")]
    [InlineData("vertex-flash", "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent")]
    public async Task Completion_Sdk_TranslatedTextUsageAndCredentials(string model, string path)
    {
        var marker = Marker();

        var completion = (await gateway.Chat(model).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage($"bonjour le monde {marker}")],
            new ChatCompletionOptions { Temperature = 0.3f, MaxOutputTokenCount = 50 },
            TestTimeouts.Token())).Value;

        Assert.Equal($"bonjour le monde {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(6, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        var upstream = gateway.Upstream.ReceivedWith(marker);
        Assert.Equal(path, upstream.Path);
        Assert.Equal("Be brief.", (string?)upstream.Body!["systemInstruction"]!["parts"]![0]!["text"]);
        Assert.Equal(50, (int)upstream.Body["generationConfig"]!["maxOutputTokens"]!);
        if (model == "flash")
        {
            Assert.Equal(GeminiGatewayFixture.GeminiKey, upstream.Headers["x-goog-api-key"]);
        }
        else
        {
            Assert.StartsWith("Bearer ya29.fake-token-", upstream.Headers["authorization"], StringComparison.Ordinal);
            Assert.True(gateway.Tokens.TokenRequests >= 1);
        }
    }

    [Theory]
    [InlineData("flash")]
    [InlineData("vertex-flash")]
    public async Task Streaming_Sdk_AssemblesTextWithUsage(string model)
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in gateway.Chat(model).CompleteChatStreamingAsync([new UserChatMessage($"stream these five words {marker}")], cancellationToken: TestTimeouts.Token()))
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
        Assert.Equal("?alt=sse", gateway.Upstream.ReceivedWith(marker).Query);
    }

    [Theory]
    [InlineData("flash-tools")]
    [InlineData("vertex-tools")]
    public async Task Tools_Sdk_TwoTurnsWithNamedFunctionResponse(string model)
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather by city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage($"weather please {marker}")];

        var first = (await gateway.Chat(model).CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", (string?)JsonNode.Parse(call.FunctionArguments.ToString())!["city"]);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "18C and sunny"));
        var second = (await gateway.Chat(model).CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal("Results: get_weather=\"18C and sunny\"", second.Content[0].Text);
        var sent = gateway.Upstream.Requests[^1].Body!;
        Assert.Equal("get_weather", (string?)sent["contents"]![2]!["parts"]![0]!["functionResponse"]!["name"]);
        Assert.Equal("get_weather", (string?)sent["tools"]![0]!["functionDeclarations"]![0]!["name"]);
    }

    [Fact]
    public async Task JsonSchemaAndImage_Sdk_ResponseJsonSchemaAndInlineData()
    {
        var marker = Marker();
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("echo", BinaryData.FromString("""{"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"]}""")),
        };
        var image = ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes([0x89, 0x50, 0x4E, 0x47]), "image/png");

        var completion = (await gateway.Chat("flash").CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart($"look {marker}"), image)], options, TestTimeouts.Token())).Value;

        Assert.Equal($"[1 attachment(s): image/png] look {marker}", (string?)JsonNode.Parse(completion.Content[0].Text)!["echo"]);
        var sent = gateway.Upstream.ReceivedWith(marker).Body!;
        Assert.Equal("application/json", (string?)sent["generationConfig"]!["responseMimeType"]);
        Assert.Equal("iVBORw==", (string?)sent["contents"]![0]!["parts"]![1]!["inlineData"]!["data"]);
    }

    [Theory]
    [InlineData("gemini-embed")]
    [InlineData("vertex-embed")]
    public async Task Embeddings_Sdk_VectorsWithDimensions(string model)
    {
        var result = (await gateway.Embeddings(model).GenerateEmbeddingsAsync(["alpha beta", "gamma"], new EmbeddingGenerationOptions { Dimensions = 6 }, TestTimeouts.Token())).Value;

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(6, e.ToFloats().Length));
        Assert.NotEqual(result[0].ToFloats().ToArray(), result[1].ToFloats().ToArray());
    }

    [Fact]
    public async Task RateLimited_Sdk_429WithRetryAfterAndNoKey()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("flash-429").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, ex.Status);
        var response = ex.GetRawResponse()!;
        Assert.True(response.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("13", retryAfter);
        var body = response.Content.ToString();
        Assert.Equal("rate_limit_error", (string?)JsonNode.Parse(body)!["error"]!["type"]);
        Assert.DoesNotContain(GeminiGatewayFixture.GeminiKey, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockedPrompt_Sdk_400ContentFilter()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("flash-blocked").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(400, ex.Status);
        Assert.Equal("content_filter", (string?)JsonNode.Parse(ex.GetRawResponse()!.Content.ToString())!["error"]!["code"]);
    }

    [Fact]
    public async Task VertexMissingKeyFile_Sdk_Clear500NamingTheFile()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("vertex-nokey").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(500, ex.Status);
        var error = JsonNode.Parse(ex.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("provider_credentials_invalid", (string?)error["code"]);
        Assert.Contains("missing.json", (string?)error["message"], StringComparison.Ordinal);
    }

    private static string Marker() => Guid.NewGuid().ToString("N")[..12];
}
