using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Pipeline;
using Tollgate.Embeddings;
using Tollgate.Providers;
using Tollgate.Server.Endpoints.Anthropic;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Tests.Endpoints;

/// <summary>
/// The translated writers' output cap, against a provider that ignores the output limit it was sent: the update that
/// goes past the reservation is not written and the stream ends in the client's format.
/// </summary>
public sealed class TranslatedWritersCapTests
{
    [Fact]
    public async Task TranslatedChatWriter_ProviderPastTheReservation_EndsWithLengthUsageAndDone()
    {
        var context = Context(new Reservation(17, 3, null));
        var request = new ChatRequest { Model = "m", Messages = [], Stream = true, IncludeUsage = true };

        var output = await RunAsync(context, http => TranslatedChatWriter.StreamAsync(context, http, new RunawayProvider(10), request, TimeProvider.System));

        var events = output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        // The role chunk, three words, the length finish, the usage chunk and [DONE].
        Assert.Equal(["", "w0", "w1", "w2"], events.Take(4).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("length", JsonDocument.Parse(events[4]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, JsonDocument.Parse(events[5]).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", events[6]);
        Assert.Equal(7, events.Count);
        Assert.Equal((17, 4), (context.Usage!.InputTokens, context.Usage.OutputTokens));
    }

    [Fact]
    public async Task TranslatedMessagesWriter_ProviderPastTheReservation_EndsWithMaxTokens()
    {
        var context = Context(new Reservation(17, 3, null));
        var request = new ChatRequest { Model = "m", Messages = [], Stream = true, MaxTokens = 3 };

        var output = await RunAsync(context, http => TranslatedMessagesWriter.StreamAsync(context, http, new RunawayProvider(10), request, TimeProvider.System));

        Assert.Contains("\"text\":\"w2\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"text\":\"w3\"", output, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"max_tokens\"", output, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", output, StringComparison.Ordinal);
        Assert.Equal(4, context.Usage!.OutputTokens);
    }

    [Fact]
    public async Task TranslatedChatWriter_NoReservation_WritesEverything()
    {
        var context = Context(reservation: null);
        var request = new ChatRequest { Model = "m", Messages = [], Stream = true };

        var output = await RunAsync(context, http => TranslatedChatWriter.StreamAsync(context, http, new RunawayProvider(10), request, TimeProvider.System));

        Assert.Contains("\"content\":\"w9\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"length\"", output, StringComparison.Ordinal);
    }

    private static GatewayContext Context(Reservation? reservation) => new()
    {
        RequestId = "r",
        RequestedModel = "m",
        Surface = WireFormat.OpenAI,
        Operation = ApiOperation.Chat,
        Snapshot = null!,
        Reservation = reservation,
    };

    private static async Task<string> RunAsync(GatewayContext context, Func<HttpContext, Task> write)
    {
        var http = new DefaultHttpContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        await write(http).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(context);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    /// <summary>Streams <paramref name="words"/> one-word updates whatever the request's limit, then a stop.</summary>
    private sealed class RunawayProvider(int words) : IChatProvider
    {
        public ProviderCapabilities Capabilities { get; } = new() { NativeFormat = WireFormat.None };

        public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new ChatStreamUpdate { Id = "x", Model = "m", Role = ChatRole.Assistant };
            for (var i = 0; i < words; i++)
            {
                await Task.Yield();
                yield return new ChatStreamUpdate { Id = "x", Model = "m", TextDelta = "w" + i };
            }

            yield return new ChatStreamUpdate { FinishReason = FinishReason.Stop };
            yield return new ChatStreamUpdate { Usage = new ChatUsage { InputTokens = 5, OutputTokens = words } };
        }

        public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
