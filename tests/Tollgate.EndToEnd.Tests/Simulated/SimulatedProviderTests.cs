using System.Text;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Simulated;

/// <summary>The built-in simulated provider, called with the official SDK.</summary>
public sealed class SimulatedProviderTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Completion_Demo_EchoesLastUserMessage()
    {
        var completion = (await gateway.Chat("demo").CompleteChatAsync([new UserChatMessage("echo this sentence back")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal("echo this sentence back", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_Demo_AssemblesEchoWithUsage()
    {
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in gateway.Chat("demo").CompleteChatStreamingAsync([new UserChatMessage("stream this sentence back")], cancellationToken: TestTimeouts.Token()))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
        }

        Assert.Equal("stream this sentence back", text.ToString());
        Assert.True(updates > 2, "the answer arrives in several chunks");
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Embeddings_Demo_ReturnsDeterministicVectors()
    {
        var client = gateway.Embeddings("demo");

        var first = (await client.GenerateEmbeddingAsync("the same input", cancellationToken: TestTimeouts.Token())).Value.ToFloats();
        var again = (await client.GenerateEmbeddingAsync("the same input", cancellationToken: TestTimeouts.Token())).Value.ToFloats();
        var other = (await client.GenerateEmbeddingAsync("another input", cancellationToken: TestTimeouts.Token())).Value.ToFloats();

        Assert.Equal(256, first.Length);
        Assert.Equal(first.ToArray(), again.ToArray());
        Assert.NotEqual(first.ToArray(), other.ToArray());
    }
}
