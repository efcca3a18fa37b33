using System.Buffers;
using System.Text.Json;
using Tollgate.Chat;
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
        try
        {
            // Step 2
            while (hasUpdate)
            {
                var update = updates.Current;
                id = update.Id is { } updateId ? (updateId.StartsWith("chatcmpl", StringComparison.Ordinal) ? updateId : "chatcmpl-" + updateId) : id;
                model = update.Model ?? model;
                if (update.Usage is { } usage)
                {
                    context.Usage = usage;
                }

                if (update.Usage is null || includeUsage)
                {
                    context.FirstTokenTimestamp ??= time.GetTimestamp();
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

                hasUpdate = await updates.MoveNextAsync();
            }

            // Step 3
            await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        catch (ProviderException ex)
        {
            context.StatusCode = ex.StatusCode;
            context.ErrorType = ex.ErrorType;
            await OpenAIErrorWriter.WriteStreamEventAsync(http, ex, cancellationToken);
        }
    }
}
