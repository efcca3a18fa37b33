using System.Buffers;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>Answers an OpenAI client from a provider that speaks another format, through the canonical model.</summary>
internal static class TranslatedChatWriter
{

    public static async Task CompleteAsync(GatewayContext context, HttpContext http, IChatProvider provider, ChatRequest request, TimeProvider time)
    {
        var response = await provider.CompleteAsync(request, http.RequestAborted);
        context.FirstTokenTimestamp = time.GetTimestamp();
        context.Usage = response.Usage;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            OpenAIResponseMapper.Write(writer, response);
        }

        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    /// <remarks>
    /// Step 1: wait for the provider's first update before sending headers, so a failure before any output is still
    /// an ordinary error response with its status.
    /// Step 2: write each update as a chunk and flush it.
    /// Step 3: the usage chunk (when the client asked for it) and <c>[DONE]</c>. A failure after the first byte ends
    /// the stream with an error event.
    /// With an <see cref="OutputCap"/>, the update that takes the output past the reservation is not written: each
    /// unfinished choice gets a <c>finish_reason: "length"</c> chunk instead, then step 3, and the provider's stream is
    /// left (disposing it cancels the upstream call).
    /// </remarks>
    public static async Task StreamAsync(GatewayContext context, HttpContext http, IChatProvider provider, ChatRequest request, TimeProvider time)
    {
        var cancellationToken = http.RequestAborted;
        var includeUsage = request.IncludeUsage;
        await using var updates = provider.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // Step 1
        var hasUpdate = await updates.MoveNextAsync();
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);

        var id = "chatcmpl-" + context.RequestId;
        var model = request.Model;
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var buffer = new ArrayBufferWriter<byte>(512);
        var cap = OutputCap.For(context);
        var openChoices = new List<int>(1);
        var pieces = 0L;
        var completed = false;
        try
        {
            // Step 2
            while (hasUpdate)
            {
                var update = updates.Current;
                var updatePieces = update.Usage is null ? OutputCap.Pieces(update) : 0;
                pieces += updatePieces;
                if (cap is not null && cap.Add(updatePieces))
                {
                    context.Usage = cap.UsageAtCut(context.Usage);
                    foreach (var index in openChoices.Count == 0 ? [0] : openChoices)
                    {
                        await WriteChunkAsync(response, buffer, new ChatStreamUpdate { ChoiceIndex = index, FinishReason = FinishReason.Length }, id, model, created, includeUsage, cancellationToken);
                    }

                    if (includeUsage)
                    {
                        await WriteChunkAsync(response, buffer, new ChatStreamUpdate { Usage = context.Usage }, id, model, created, includeUsage, cancellationToken);
                    }

                    break;
                }

                if (update.Usage is null && update.FinishReason is null && !openChoices.Contains(update.ChoiceIndex))
                {
                    openChoices.Add(update.ChoiceIndex);
                }
                else if (update.FinishReason is not null)
                {
                    openChoices.Remove(update.ChoiceIndex);
                }

                id = update.Id is { } updateId ? (updateId.StartsWith("chatcmpl", StringComparison.Ordinal) ? updateId : "chatcmpl-" + updateId) : id;
                model = update.Model ?? model;
                if (update.Usage is { } usage)
                {
                    context.Usage = usage;
                }

                if (update.Usage is null || includeUsage)
                {
                    context.FirstTokenTimestamp ??= time.GetTimestamp();
                    await WriteChunkAsync(response, buffer, update, id, model, created, includeUsage, cancellationToken);
                }

                hasUpdate = await updates.MoveNextAsync();
            }

            // Step 3
            await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            completed = true;
        }
        catch (ProviderException ex)
        {
            completed = true;
            context.StatusCode = ex.StatusCode;
            context.ErrorType = ex.ErrorType;
            await OpenAIErrorWriter.WriteStreamEventAsync(http, ex, cancellationToken);
        }
        finally
        {
            // A stream that broke off (client gone, key revoked) is billed for what it wrote.
            if (!completed)
            {
                context.Usage = BrokenStreamUsage.Estimate(context, context.Usage, pieces);
            }
        }
    }

    private static async Task WriteChunkAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, ChatStreamUpdate update, string id, string model, long created, bool includeUsage, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            OpenAIStreamMapper.Write(writer, update, id, model, created, includeUsage);
        }

        buffer.Write("\n\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
