using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing;

namespace Tollgate.EndToEnd.Tests.Cohere;

/// <summary>The official OpenAI SDK through Tollgate to Cohere's v2 API: the translated path.</summary>
public sealed class CohereTranslationTests(CompatGatewayFixture gateway) : IClassFixture<CompatGatewayFixture>
{
    [Fact]
    public async Task Completion_Sdk_TranslatedWithBilledUsageAndKeyFromEnvironment()
    {
        var marker = Marker();

        var completion = (await gateway.Chat("command").CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage($"hello cohere {marker}")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"hello cohere {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(5, completion.Usage.InputTokenCount);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v2/chat", upstream.Path);
        Assert.Equal("Bearer cohere-test-key", upstream.Headers["authorization"]);
        Assert.Equal("system", upstream.Body!["messages"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_Sdk_AssemblesTextWithUsage()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in gateway.Chat("command").CompleteChatStreamingAsync([new UserChatMessage($"stream from cohere {marker}")], cancellationToken: TestTimeouts.Token()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal($"stream from cohere {marker}", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(4, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Tools_TwoTurns_PlanCallAndResult()
    {
        var marker = Marker();
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage($"call: Rome {marker}")];
        var client = gateway.Chat("command");

        var first = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;
        var call = Assert.Single(first.ToolCalls);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, $"warm {marker}"));
        var second = (await client.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("I will call get_weather.", first.Content[0].Text);
        Assert.Equal($"call: Rome {marker}", JsonNode.Parse(call.FunctionArguments.ToString())!["echo"]!.GetValue<string>());
        Assert.Equal($"warm {marker}", second.Content[0].Text);
        var sent = gateway.Cohere.Requests[^1].Body!["messages"]!.AsArray();
        Assert.Equal(call.Id, sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(call.Id, sent[2]!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StopSequences_Sdk_SentAsStopSequences()
    {
        var marker = Marker();
        var options = new ChatCompletionOptions { StopSequences = { "HALT" } };

        var completion = (await gateway.Chat("command").CompleteChatAsync([new UserChatMessage($"alpha {marker} HALT omega")], options, TestTimeouts.Token())).Value;

        Assert.Equal($"alpha {marker}", completion.Content[0].Text);
        Assert.Equal("HALT", ReceivedWith(marker).Body!["stop_sequences"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task MultipleChoices_Sdk_Refused400()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAI.OpenAIPassthroughTests.Json("""{"model":"command","n":2,"messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 400, code: "unsupported_feature");
    }

    [Fact]
    public async Task RateLimited_Sdk_Sees429()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("cohere-429").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, ex.Status);
    }

    [Fact]
    public async Task Embeddings_Sdk_FloatsFromEmbedV2()
    {
        var marker = Marker();

        var embedding = (await gateway.Embeddings("cohere-embed").GenerateEmbeddingAsync($"embed {marker}", cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal(4, embedding.ToFloats().Length);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/v2/embed", upstream.Path);
        Assert.Equal("search_document", upstream.Body!["input_type"]!.GetValue<string>());
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private RecordedUpstreamRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Cohere.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
