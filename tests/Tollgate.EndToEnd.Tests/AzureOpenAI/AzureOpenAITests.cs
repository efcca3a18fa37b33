using System.ClientModel;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Core.Metering;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;
using Tollgate.Testing;

namespace Tollgate.EndToEnd.Tests.AzureOpenAI;

/// <summary>The official OpenAI SDK through Tollgate to Azure OpenAI: the byte pass-through to a deployment.</summary>
public sealed class AzureOpenAITests(CompatGatewayFixture gateway) : IClassFixture<CompatGatewayFixture>
{
    [Fact]
    public async Task Completion_Sdk_ReachesDeploymentWithApiKeyAndVersion()
    {
        var marker = Marker();

        var completion = (await gateway.Chat("azure-gpt").CompleteChatAsync([new UserChatMessage($"hello azure {marker}")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal($"hello azure {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(3, completion.Usage.InputTokenCount);
        var upstream = ReceivedWith(marker);
        Assert.Equal("/openai/deployments/gpt4o-prod/chat/completions", upstream.Path);
        Assert.Equal("?api-version=2024-10-21", upstream.Query);
        Assert.Equal("azure-test-key", upstream.Headers["api-key"]);
        Assert.Equal("gpt4o-prod", upstream.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_Sdk_PassthroughAssemblesTextAndUsage()
    {
        var marker = Marker();
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;

        await foreach (var update in gateway.Chat("azure-gpt").CompleteChatStreamingAsync([new UserChatMessage($"stream from azure {marker}")], cancellationToken: TestTimeouts.Token()))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
        }

        Assert.Equal($"stream from azure {marker}", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(4, usage.OutputTokenCount);
        Assert.True(ReceivedWith(marker).Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Streaming_RawWithoutStreamOptions_UsageInjectedHiddenAndMetered()
    {
        var body = """{"model":"azure-usage","stream":true,"messages":[{"role":"user","content":"count these five words"}]}""";

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = OpenAIPassthroughTests.Json(body) };
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await SseReading.ReadAllDataAsync(response, TestTimeouts.Token());

        Assert.Equal("count these five words", SseReading.AssembleContent(events));
        Assert.DoesNotContain(events, e => e.Contains("\"usage\":{", StringComparison.Ordinal));
        Assert.True(gateway.Azure.Requests.Last(r => r.RawBody.Contains("count these five words", StringComparison.Ordinal)).Body!["stream_options"]!["include_usage"]!.GetValue<bool>());
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("azure-usage")?.Requests >= 1, "the stream's usage record");
        Assert.Equal(4, totals.Get("azure-usage")!.OutputTokens);
    }

    [Fact]
    public async Task ContentFilter_RawHttp_RelaysAzure400WithCode()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"azure-filter","messages":[{"role":"user","content":"bad"}]}"""), TestTimeouts.Token());

        var error = await OpenAIErrorAssert.HasErrorAsync(response, 400, code: "content_filter");
        Assert.Contains("content management policy", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_Sdk_Sees429()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => gateway.Chat("azure-429").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, ex.Status);
    }

    [Fact]
    public async Task Embeddings_Sdk_ReachEmbeddingDeployment()
    {
        var marker = Marker();

        var embedding = (await gateway.Embeddings("azure-embed").GenerateEmbeddingAsync($"embed {marker}", cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal([0.5f, -0.5f, 0.25f], embedding.ToFloats().ToArray());
        var upstream = ReceivedWith(marker);
        Assert.Equal("/openai/deployments/embed-prod/embeddings", upstream.Path);
        Assert.Equal("?api-version=2024-10-21", upstream.Query);
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private RecordedUpstreamRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.Azure.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
}
