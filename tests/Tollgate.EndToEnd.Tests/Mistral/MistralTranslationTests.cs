using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Providers.Mistral;
using Tollgate.Testing;

namespace Tollgate.EndToEnd.Tests.Mistral;

/// <summary>The official OpenAI SDK through Tollgate to Mistral's own API: the translated path.</summary>
public sealed class MistralTranslationTests(CompatGatewayFixture gateway) : IClassFixture<CompatGatewayFixture>
{
    [Fact]
    public async Task Completion_Sdk_TranslatedTextAndUsage()
    {
        var marker = Marker();
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the wire field is stable.
        var options = new ChatCompletionOptions { Seed = 11 };
#pragma warning restore OPENAI001

        var completion = (await gateway.Chat("mistral-small").CompleteChatAsync([new UserChatMessage($"salut le monde {marker}")], options, TestTimeouts.Token())).Value;

        Assert.Equal($"salut le monde {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v1/chat/completions", upstream.Path);
        Assert.Equal(11, upstream.Body!["random_seed"]!.GetValue<int>());
        Assert.Equal("mistral-small-latest", upstream.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_Sdk_AssemblesTextWithUsage()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in gateway.Chat("mistral-small").CompleteChatStreamingAsync([new UserChatMessage($"four words here {marker}")], cancellationToken: TestTimeouts.Token()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
        }

        Assert.Equal($"four words here {marker}", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(4, usage.OutputTokenCount);
        Assert.False(ReceivedWith(marker).Body!.AsObject().ContainsKey("stream_options"));
    }

    [Fact]
    public async Task Tools_ClientIdsFromElsewhere_MappedToMistralIdsAndPaired()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages =
        [
            new UserChatMessage("weather in Oslo?"),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_7Hq2xLmPz01", "get_weather", BinaryData.FromString("""{"city":"Oslo"}"""))]),
            new ToolChatMessage("call_7Hq2xLmPz01", $"snowing {marker}"),
        ];

        var completion = (await gateway.Chat("mistral-small").CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal($"snowing {marker}", completion.Content[0].Text);
        var sent = ReceivedWith(marker).Body!["messages"]!.AsArray();
        var mapped = MistralToolCallIds.ToMistral("call_7Hq2xLmPz01");
        Assert.Equal(mapped, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(mapped, sent[2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tools_TwoTurns_MistralIdsRoundTrip()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage($"call: Paris {marker}")];
        var client = gateway.Chat("mistral-small");

        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;
        var call = Assert.Single(first.ToolCalls);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, $"sunny {marker}"));
        var second = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.True(MistralToolCallIds.IsValid(call.Id));
        Assert.Equal($"sunny {marker}", second.Content[0].Text);
    }

    [Fact]
    public async Task Image_Sdk_SentAsImageUrlChunk()
    {
        var marker = Marker();
        var message = new UserChatMessage(ChatMessageContentPart.CreateTextPart($"look {marker}"), ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png")));

        var completion = (await gateway.Chat("mistral-small").CompleteChatAsync([message], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"look {marker} (images: 1)", completion.Content[0].Text);
        Assert.Equal("https://example.com/cat.png", ReceivedWith(marker).Body!["messages"]![0]!["content"]![1]!["image_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonMode_Sdk_AnswersJson()
    {
        var marker = Marker();
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() };

        var completion = (await gateway.Chat("mistral-small").CompleteChatAsync([new UserChatMessage($"json please {marker}")], options, TestTimeouts.Token())).Value;

        Assert.Equal($"json please {marker}", JsonNode.Parse(completion.Content[0].Text)!["echo"]!.GetValue<string>());
    }

    [Fact]
    public async Task MaxTokens_Sdk_FinishLength()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 2 };

        var completion = (await gateway.Chat("mistral-small").CompleteChatAsync([new UserChatMessage($"one two three {Marker()}")], options, TestTimeouts.Token())).Value;

        Assert.Equal("one two", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
    }

    [Fact]
    public async Task Logprobs_Sdk_Refused400()
    {
        var options = new ChatCompletionOptions { IncludeLogProbabilities = true };

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("mistral-small").CompleteChatAsync([new UserChatMessage("hi")], options, TestTimeouts.Token()));

        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public async Task RateLimited_Sdk_Sees429()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("mistral-429").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, ex.Status);
    }

    [Fact]
    public async Task Embeddings_Sdk_Translated()
    {
        var marker = Marker();

        var embedding = (await gateway.Embeddings("mistral-embed").GenerateEmbeddingAsync($"embed this {marker}", cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal(4, embedding.ToFloats().Length);
        Assert.Equal("/v1/embeddings", ReceivedWith(marker).Path);
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private RecordedUpstreamRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Mistral.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
