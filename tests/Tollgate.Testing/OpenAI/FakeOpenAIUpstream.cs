using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Testing.OpenAI;

/// <summary>
/// A real Kestrel server on a loopback port that speaks OpenAI's Chat Completions, Embeddings and Models API as
/// documented, answering deterministically: a chat echoes the last user text (tokens are whitespace-separated words),
/// or calls a tool when <c>tool_choice</c> demands one or the text starts with <c>call:</c>.
/// </summary>
/// <remarks>
/// Scenarios are chosen by model name: <c>fail-429</c> (rate limited, with <c>retry-after: 2</c> and
/// <c>x-ratelimit-*</c> headers), <c>fail-500</c>, <c>fail-503</c>, <c>hang</c> (never answers until the client goes
/// away) and <c>slow-stream</c> (streams one chunk, then waits for the client to go away). Every request is recorded
/// in <see cref="Requests"/> before it is answered. Thread-safe.
/// </remarks>
public sealed class FakeOpenAIUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly ConcurrentQueue<FakeOpenAIRequest> _requests = new();
    private readonly TaskCompletionSource _firstAbort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _abortedRequests;
    private long _responseCount;

    private FakeOpenAIUpstream(WebApplication app, string apiKey)
    {
        _app = app;
        _apiKey = apiKey;
    }

    /// <summary>The API root, such as <c>http://127.0.0.1:54321/v1</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<FakeOpenAIRequest> Requests => [.. _requests];

    /// <summary>How many requests the client aborted while the fake was handling them.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>Wait before answering a valid request (default none).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Wait between stream chunks (default none).</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Reported as <c>usage.prompt_tokens_details.cached_tokens</c> (default 0).</summary>
    public int CachedTokens { get; set; }

    /// <summary>The clock behind <c>created</c> timestamps.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Starts a fake on <c>127.0.0.1</c>, port chosen by the system, accepting <c>Bearer <paramref name="apiKey"/></c>.</summary>
    public static async Task<FakeOpenAIUpstream> StartAsync(string apiKey = "sk-upstream-test", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new FakeOpenAIUpstream(app, apiKey);
        app.Run(upstream.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        upstream.BaseUrl = address.TrimEnd('/') + "/v1";
        return upstream;
    }

    /// <summary>Completes when the first request is aborted by its client.</summary>
    public Task WaitForAbortAsync(CancellationToken cancellationToken = default) => _firstAbort.Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Hanging handlers end first, so stopping does not wait out the host's shutdown timeout.
        await _stopping.CancelAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Kestrel aborted the connections that were still open: that is all stopping needs.
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        var token = linked.Token;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(token);
            }

            Record(context.Request, body);
            await DispatchAsync(context, body, token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abortedRequests);
            _firstAbort.TrySetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            context.Abort();
        }
    }

    private async Task DispatchAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var auth = request.Headers.Authorization.ToString();
        if (auth.Length == 0)
        {
            await WriteErrorAsync(context, FakeOpenAIError.MissingApiKey, cancellationToken);
            return;
        }

        var key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth["Bearer ".Length..].Trim() : auth;
        if (key != _apiKey)
        {
            await WriteErrorAsync(context, FakeOpenAIError.IncorrectApiKey(key), cancellationToken);
            return;
        }

        switch (request.Method, request.Path.Value)
        {
            case ("POST", "/v1/chat/completions"):
                await ChatAsync(context, body, cancellationToken);
                break;
            case ("POST", "/v1/embeddings"):
                await EmbeddingsAsync(context, body, cancellationToken);
                break;
            case ("GET", "/v1/models"):
                await WriteJsonAsync(context, 200, FakeOpenAIJson.Models(1_700_000_000), cancellationToken);
                break;
            default:
                await WriteErrorAsync(context, FakeOpenAIError.InvalidUrl(request.Method, request.Path.Value ?? "/"), cancellationToken);
                break;
        }
    }

    private async Task ChatAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        if (!TryParse(body, out var document))
        {
            await WriteErrorAsync(context, FakeOpenAIError.InvalidJson, cancellationToken);
            return;
        }

        using (document)
        {
            var plan = FakeOpenAIChatPlan.Create(document.RootElement, out var error);
            if (plan is null)
            {
                await WriteErrorAsync(context, error!, cancellationToken);
                return;
            }

            if (await PlayScenarioAsync(context, plan.Model, cancellationToken))
            {
                return;
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            var id = "chatcmpl-fake" + Interlocked.Increment(ref _responseCount).ToString("D8", CultureInfo.InvariantCulture);
            var created = Time.GetUtcNow().ToUnixTimeSeconds();
            if (!plan.Stream)
            {
                await WriteJsonAsync(context, 200, FakeOpenAIJson.Completion(plan, id, created, CachedTokens), cancellationToken);
                return;
            }

            await StreamAsync(context, plan, id, created, cancellationToken);
        }
    }

    private async Task StreamAsync(HttpContext context, FakeOpenAIChatPlan plan, string id, long created, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);
        var first = true;

        async Task SendAsync(byte[] json)
        {
            if (!first && ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(ChunkDelay, cancellationToken);
            }

            first = false;
            await response.Body.WriteAsync("data: "u8.ToArray(), cancellationToken);
            await response.Body.WriteAsync(json, cancellationToken);
            await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        var cached = CachedTokens;
        var isTool = plan.ToolName is not null;
        for (var c = 0; c < plan.N; c++)
        {
            await SendAsync(FakeOpenAIJson.Chunk(plan, id, created, c, w =>
            {
                w.WriteString("role", "assistant");
                if (isTool)
                {
                    w.WriteNull("content");
                    w.WriteStartArray("tool_calls");
                    w.WriteStartObject();
                    w.WriteNumber("index", 0);
                    w.WriteString("id", plan.ToolCallId);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", plan.ToolName);
                    w.WriteString("arguments", string.Empty);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteString("content", string.Empty);
                }

                w.WriteNull("refusal");
            }, null, cached));

            if (plan.Model == "slow-stream")
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
        }

        for (var i = 0; i < plan.Words.Count; i++)
        {
            var word = plan.Words[i];
            var text = isTool || i == 0 ? word : " " + word;
            for (var c = 0; c < plan.N; c++)
            {
                await SendAsync(FakeOpenAIJson.Chunk(plan, id, created, c, w =>
                {
                    if (isTool)
                    {
                        w.WriteStartArray("tool_calls");
                        w.WriteStartObject();
                        w.WriteNumber("index", 0);
                        w.WriteStartObject("function");
                        w.WriteString("arguments", text);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteEndArray();
                    }
                    else
                    {
                        w.WriteString("content", text);
                    }
                }, null, cached));
            }
        }

        for (var c = 0; c < plan.N; c++)
        {
            await SendAsync(FakeOpenAIJson.Chunk(plan, id, created, c, _ => { }, plan.FinishReason, cached));
        }

        if (plan.IncludeUsage)
        {
            await SendAsync(FakeOpenAIJson.Chunk(plan, id, created, 0, null, null, cached));
        }

        await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private async Task EmbeddingsAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        if (!TryParse(body, out var document))
        {
            await WriteErrorAsync(context, FakeOpenAIError.InvalidJson, cancellationToken);
            return;
        }

        using (document)
        {
            var answer = FakeOpenAIEmbeddings.Answer(document.RootElement, out var error);
            if (answer is null)
            {
                await WriteErrorAsync(context, error!, cancellationToken);
                return;
            }

            if (await PlayScenarioAsync(context, FakeOpenAIEmbeddings.ReadModel(document.RootElement)!, cancellationToken))
            {
                return;
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            await WriteJsonAsync(context, 200, answer, cancellationToken);
        }
    }

    /// <summary>Answers a scenario model; returns whether it did. <c>slow-stream</c> is played by the stream itself.</summary>
    private static async Task<bool> PlayScenarioAsync(HttpContext context, string model, CancellationToken cancellationToken)
    {
        switch (model)
        {
            case "fail-429":
                var headers = context.Response.Headers;
                headers["retry-after"] = "2";
                headers["x-ratelimit-limit-requests"] = "60";
                headers["x-ratelimit-remaining-requests"] = "0";
                headers["x-ratelimit-reset-requests"] = "2s";
                headers["x-ratelimit-limit-tokens"] = "150000";
                headers["x-ratelimit-remaining-tokens"] = "149990";
                headers["x-ratelimit-reset-tokens"] = "4ms";
                await WriteErrorAsync(context, FakeOpenAIError.RateLimited(model), cancellationToken);
                return true;
            case "fail-500":
                await WriteErrorAsync(context, FakeOpenAIError.ServerError, cancellationToken);
                return true;
            case "fail-503":
                await WriteErrorAsync(context, FakeOpenAIError.Overloaded, cancellationToken);
                return true;
            case "hang":
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                return true;
            default:
                return false;
        }
    }

    private static bool TryParse(string body, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            document = null!;
            return false;
        }
    }

    private static Task WriteErrorAsync(HttpContext context, FakeOpenAIError error, CancellationToken cancellationToken) =>
        WriteJsonAsync(context, error.Status, FakeOpenAIJson.Error(error), cancellationToken);

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] json, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, cancellationToken);
    }

    private void Record(HttpRequest request, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        _requests.Enqueue(new FakeOpenAIRequest(request.Method, request.Path.Value ?? "/", headers, body));
    }
}
