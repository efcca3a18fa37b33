using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing.Anthropic;

/// <summary>
/// A real Kestrel server on a loopback port that speaks the Anthropic Messages API (<c>POST /v1/messages</c>) as
/// documented at https://docs.claude.com/en/api/messages: header and body validation with the real error shapes,
/// deterministic answers (see <see cref="FakeAnthropicAnswer"/>), and the documented SSE event sequence.
/// </summary>
/// <remarks>
/// Scenarios by model name: <c>anthropic-429</c> (rate_limit_error, retry-after: 7), <c>anthropic-529</c>
/// (overloaded_error), <c>anthropic-500</c> (api_error), <c>anthropic-hang</c> (message_start, then waits for the
/// client to go away) and <c>anthropic-midstream-error</c> (an <c>error</c> event after some deltas) and <c>anthropic-truncated</c> (the stream ends after
/// some deltas without <c>message_stop</c>). Thread-safe.
/// <para>
/// Extended thinking (https://docs.claude.com/en/docs/build-with-claude/extended-thinking), whatever the model: a request
/// with <c>thinking: {"type":"enabled"}</c> is checked as the real API checks it (<c>budget_tokens</c> at least 1024
/// and below <c>max_tokens</c>; an assistant turn with <c>tool_use</c> must start with a thinking block; a thinking
/// block's signature must be one this server issued), and the answer starts with a signed <c>thinking</c> block
/// (streamed as <c>thinking_delta</c> then <c>signature_delta</c>).
/// </para>
/// </remarks>
public sealed class FakeAnthropicUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedAnthropicRequest> _requests = new();
    private readonly TaskCompletionSource _firstAbort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, bool> _issuedSignatures = new(StringComparer.Ordinal);
    private int _abortedRequests;
    private int _nextId;

    private FakeAnthropicUpstream(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's address, such as <c>http://127.0.0.1:50123</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedAnthropicRequest> Requests => [.. _requests];

    /// <summary>How many streams ended because the client disconnected.</summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>Reported in every answer's usage as <c>cache_read_input_tokens</c>.</summary>
    public int CacheReadInputTokens { get; set; }

    /// <summary>Reported in every answer's usage as <c>cache_creation_input_tokens</c>.</summary>
    public int CacheCreationInputTokens { get; set; }

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeAnthropicUpstream> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeAnthropicUpstream? fake = null;
        app.MapPost("/v1/messages", (HttpContext context) => fake!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeAnthropicUpstream(app, address.TrimEnd('/'));
        return fake;
    }

    /// <summary>Completes when a client has disconnected from a stream (at once if one already has).</summary>
    public Task WaitForAbortAsync() => _firstAbort.Task;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            ["request_id"] = "req_fake",
        };
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static string? Validate(JsonObject body)
    {
        if (body["model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String)
        {
            return "model: Field required";
        }

        if (body["max_tokens"] is not JsonValue maxTokens)
        {
            return "max_tokens: Field required";
        }

        if (maxTokens.GetValueKind() != JsonValueKind.Number || !maxTokens.TryGetValue<int>(out var max))
        {
            return "max_tokens: Input should be a valid integer";
        }

        if (max < 1)
        {
            return "max_tokens: Input should be greater than or equal to 1";
        }

        if (body["messages"] is not JsonArray messages)
        {
            return "messages: Field required";
        }

        if (messages.Count == 0)
        {
            return "messages: at least one message is required";
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i]?["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? (string?)r : null;
            if (role is not ("user" or "assistant"))
            {
                return role == "system"
                    ? $"messages.{i}.role: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
                    : $"messages.{i}.role: Input should be 'user' or 'assistant'";
            }

            if (messages[i]?["content"] is null)
            {
                return $"messages.{i}.content: Field required";
            }
        }

        return null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Step 1: record the request as received.
        using var reader = new StreamReader(context.Request.Body);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedAnthropicRequest(context.Request.Path, headers, raw));

        // Step 2: headers, then the body, as the real API checks them.
        if (!headers.ContainsKey("x-api-key"))
        {
            await WriteErrorAsync(context, 401, "authentication_error", "x-api-key header is required");
            return;
        }

        if (!headers.ContainsKey("anthropic-version"))
        {
            await WriteErrorAsync(context, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await WriteErrorAsync(context, 400, "invalid_request_error", "There was an error parsing the body of your request.");
            return;
        }

        if (Validate(body) is { } invalid)
        {
            await WriteErrorAsync(context, 400, "invalid_request_error", invalid);
            return;
        }

        var thinkingOn = body["thinking"] is JsonObject thinkingConfig && (string?)thinkingConfig["type"] == "enabled";
        if (thinkingOn && ValidateThinking(body) is { } invalidThinking)
        {
            await WriteErrorAsync(context, 400, "invalid_request_error", invalidThinking);
            return;
        }

        // Step 3: scenarios chosen by model name.
        var model = (string)body["model"]!;
        switch (model)
        {
            case "anthropic-429":
                context.Response.Headers["retry-after"] = "7";
                await WriteErrorAsync(context, 429, "rate_limit_error", "This request would exceed your organization's rate limit.");
                return;
            case "anthropic-529":
                await WriteErrorAsync(context, 529, "overloaded_error", "Overloaded");
                return;
            case "anthropic-500":
                await WriteErrorAsync(context, 500, "api_error", "Internal server error");
                return;
        }

        var answer = FakeAnthropicAnswer.Create(body);
        var id = $"msg_fake_{Interlocked.Increment(ref _nextId):D4}";
        var thought = thinkingOn ? new FakeThought("Thinking about: " + FakeAnthropicAnswer.TextOf(body["messages"]!.AsArray().LastOrDefault(m => (string?)m?["role"] == "user")?["content"]), "sig_" + id) : null;
        if (thought is not null)
        {
            _issuedSignatures[thought.Signature] = true;
        }

        if (body["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True)
        {
            try
            {
                await StreamAsync(context, id, model, answer, thought);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _abortedRequests);
                _firstAbort.TrySetResult();
            }

            return;
        }

        context.Response.ContentType = "application/json";
        var message = Skeleton(id, model, answer, answer.StopReason, answer.StopSequence, answer.OutputTokens);
        var content = new JsonArray();
        if (thought is not null)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = thought.Text, ["signature"] = thought.Signature });
        }

        content.Add(answer.ToolName is null
            ? new JsonObject { ["type"] = "text", ["text"] = answer.Text }
            : ToolBlock(id, answer, answer.ToolInput!.DeepClone()));
        message["content"] = content;
        await context.Response.WriteAsync(message.ToJsonString(), context.RequestAborted);
    }

    // The checks the real API makes on a request with thinking enabled, with its wording.
    private string? ValidateThinking(JsonObject body)
    {
        var budget = body["thinking"]?["budget_tokens"] is JsonValue b && b.TryGetValue<int>(out var n) ? n : (int?)null;
        if (budget is null)
        {
            return "thinking.enabled.budget_tokens: Field required";
        }

        if (budget < 1024)
        {
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
        }

        if ((int)body["max_tokens"]! <= budget)
        {
            return "`max_tokens` must be greater than `thinking.budget_tokens`.";
        }

        var messages = body["messages"]!.AsArray();
        for (var i = 0; i < messages.Count; i++)
        {
            if ((string?)messages[i]?["role"] != "assistant" || messages[i]?["content"] is not JsonArray blocks)
            {
                continue;
            }

            for (var j = 0; j < blocks.Count; j++)
            {
                if ((string?)blocks[j]?["type"] == "thinking" && !_issuedSignatures.ContainsKey((string?)blocks[j]?["signature"] ?? string.Empty))
                {
                    return $"messages.{i}.content.{j}: Invalid `signature` in `thinking` block";
                }
            }

            var first = (string?)blocks.FirstOrDefault()?["type"];
            if (blocks.Any(x => (string?)x?["type"] == "tool_use") && first is not ("thinking" or "redacted_thinking"))
            {
                return $"messages.{i}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{first}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks).";
            }
        }

        return null;
    }

    private async Task StreamAsync(HttpContext context, string id, string model, FakeAnthropicAnswer answer, FakeThought? thought)
    {
        // The documented order: message_start, content_block_start, ping, deltas, content_block_stop, message_delta, message_stop.
        var ct = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await SendAsync(context, "message_start", new JsonObject { ["type"] = "message_start", ["message"] = Skeleton(id, model, answer, null, null, 1) });
        if (model == "anthropic-hang")
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        var index = 0;
        if (thought is not null)
        {
            await SendAsync(context, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty } });
            await SendAsync(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "thinking_delta", ["thinking"] = thought.Text } });
            await SendAsync(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "signature_delta", ["signature"] = thought.Signature } });
            await SendAsync(context, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
            index = 1;
        }

        var block = answer.ToolName is null
            ? new JsonObject { ["type"] = "text", ["text"] = string.Empty }
            : ToolBlock(id, answer, new JsonObject());
        await SendAsync(context, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = block });
        await SendAsync(context, "ping", new JsonObject { ["type"] = "ping" });

        var deltas = answer.ToolName is null ? answer.TextChunks : SplitInThree(answer.ToolInput!.ToJsonString());
        for (var i = 0; i < deltas.Count; i++)
        {
            if (model == "anthropic-midstream-error" && i == 2)
            {
                await SendAsync(context, "error", new JsonObject
                {
                    ["type"] = "error",
                    ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" },
                });
                return;
            }

            if (model == "anthropic-truncated" && i == 2)
            {
                return;
            }

            var delta = answer.ToolName is null
                ? new JsonObject { ["type"] = "text_delta", ["text"] = deltas[i] }
                : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = deltas[i] };
            await SendAsync(context, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });
        }

        await SendAsync(context, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
        await SendAsync(context, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = answer.StopReason, ["stop_sequence"] = answer.StopSequence },
            ["usage"] = new JsonObject { ["output_tokens"] = answer.OutputTokens },
        });
        await SendAsync(context, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static async Task SendAsync(HttpContext context, string eventName, JsonObject data)
    {
        await context.Response.WriteAsync($"event: {eventName}\ndata: {data.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static List<string> SplitInThree(string json)
    {
        var third = Math.Max(1, json.Length / 3);
        return [json[..third], json[third..Math.Min(json.Length, 2 * third)], json[Math.Min(json.Length, 2 * third)..]];
    }

    private static JsonObject ToolBlock(string id, FakeAnthropicAnswer answer, JsonNode input) => new()
    {
        ["type"] = "tool_use",
        ["id"] = "toolu_" + id["msg_".Length..],
        ["name"] = answer.ToolName,
        ["input"] = input,
    };

    private sealed record FakeThought(string Text, string Signature);

    private JsonObject Skeleton(string id, string model, FakeAnthropicAnswer answer, string? stopReason, string? stopSequence, int outputTokens) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = stopSequence,
        ["usage"] = new JsonObject
        {
            ["input_tokens"] = answer.InputTokens,
            ["cache_creation_input_tokens"] = CacheCreationInputTokens,
            ["cache_read_input_tokens"] = CacheReadInputTokens,
            ["output_tokens"] = outputTokens,
        },
    };
}
