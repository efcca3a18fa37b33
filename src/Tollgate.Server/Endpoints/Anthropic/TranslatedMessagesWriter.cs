using System.Buffers;
using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>Answers an Anthropic client from a provider that speaks another format, through the canonical model.</summary>
internal static class TranslatedMessagesWriter
{
    public static async Task CompleteAsync(GatewayContext context, HttpContext http, IChatProvider provider, ChatRequest request, TimeProvider time)
    {
        var response = await provider.CompleteAsync(request, http.RequestAborted);
        context.FirstTokenTimestamp = time.GetTimestamp();
        context.Usage = response.Usage;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            AnthropicResponseWriter.Write(writer, response, context.RequestedModel);
        }

        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    /// <remarks>
    /// Step 1: wait for the provider's first update before sending headers, so a failure before any output is still
    /// an ordinary error response with its status.
    /// Step 2: <c>message_start</c> and <c>ping</c>, then each update's events, flushed as they are written.
    /// Step 3: <c>message_delta</c> and <c>message_stop</c>. A failure after the first byte ends the stream with an
    /// <c>error</c> event.
    /// With an <see cref="OutputCap"/>, the update that takes the output past the reservation is not written: step 3
    /// follows at once with <c>stop_reason: "max_tokens"</c>, and the provider's stream is left (disposing it cancels
    /// the upstream call).
    /// </remarks>
    public static async Task StreamAsync(GatewayContext context, HttpContext http, IChatProvider provider, ChatRequest request, TimeProvider time)
    {
        var cancellationToken = http.RequestAborted;
        await using var updates = provider.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // Step 1
        var hasUpdate = await updates.MoveNextAsync();
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);

        var writer = new AnthropicStreamWriter(hasUpdate ? updates.Current.Id ?? context.RequestId : context.RequestId, context.RequestedModel);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var cap = OutputCap.For(context);
        var pieces = 0L;
        var completed = false;
        try
        {
            // Step 2
            writer.WriteStart(buffer, hasUpdate ? updates.Current.Usage : null);
            await SendAsync(response, buffer, cancellationToken);
            while (hasUpdate)
            {
                var update = updates.Current;
                var updatePieces = update.ChoiceIndex == 0 ? OutputCap.Pieces(update) : 0;
                pieces += updatePieces;
                if (cap is not null && cap.Add(updatePieces))
                {
                    writer.Write(buffer, new ChatStreamUpdate { FinishReason = FinishReason.Length, Usage = cap.UsageAtCut(writer.Usage) });
                    break;
                }

                writer.Write(buffer, update);
                if (buffer.WrittenCount > 0)
                {
                    context.FirstTokenTimestamp ??= time.GetTimestamp();
                    await SendAsync(response, buffer, cancellationToken);
                }

                hasUpdate = await updates.MoveNextAsync();
            }

            // Step 3
            writer.WriteEnd(buffer);
            await SendAsync(response, buffer, cancellationToken);
            completed = true;
        }
        catch (ProviderException ex)
        {
            completed = true;
            context.StatusCode = ex.StatusCode;
            context.ErrorType = ex.ErrorType;
            buffer.ResetWrittenCount();
            await AnthropicErrorWriter.WriteStreamEventAsync(http, ex, cancellationToken);
        }
        finally
        {
            // A stream that broke off (client gone, key revoked) is billed for what it wrote.
            context.Usage = completed ? writer.Usage ?? context.Usage : BrokenStreamUsage.Estimate(context, writer.Usage, pieces);
        }
    }

    private static async Task SendAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        buffer.ResetWrittenCount();
    }
}
