using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing.Mistral;

/// <summary>
/// A real Kestrel server on a loopback port that speaks Mistral's chat completions and embeddings API
/// (https://docs.mistral.ai/api/): bearer authentication, the request validation Tollgate must satisfy (unknown fields
/// are 422 <c>extra_forbidden</c>, tool call ids must be nine letters or digits and pair up), Mistral's error shapes,
/// and data-only SSE streams ending with <c>[DONE]</c> whose last chunk carries usage.
/// </summary>
/// <remarks>
/// Answers echo the last message (<see cref="FakeConversation"/>); with tools offered, <c>tool_choice</c> any/required
/// or a text starting with <c>call:</c> calls the first tool with <c>{"echo": text}</c>. <c>response_format</c>
/// json_object/json_schema answers <c>{"echo": text}</c>; <c>stop</c> and <c>max_tokens</c> (words) cut the answer.
/// Scenarios by model: <c>mistral-429</c> (rate_limited with retry-after: 4), <c>mistral-500</c>, <c>magistral-*</c>
/// (content as chunks with a <c>thinking</c> chunk first), <c>mistral-error-finish</c> (finish_reason error).
/// </remarks>
public sealed partial class FakeMistralUpstream : IAsyncDisposable
{
    private static readonly HashSet<string> Fields =
    [
        "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "response_format", "tools",
        "tool_choice", "presence_penalty", "frequency_penalty", "n", "prediction", "parallel_tool_calls", "prompt_mode", "safe_prompt",
    ];

    private readonly string _apiKey;
    private FakeUpstreamHost _host = null!;
    private int _count;

    private FakeMistralUpstream(string apiKey)
    {
        _apiKey = apiKey;
    }

    /// <summary>The server's root (no <c>/v1</c>).</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>Every request received so far.</summary>
    public IReadOnlyList<RecordedUpstreamRequest> Requests => _host.Requests;

    /// <summary>Starts a fake accepting <c>Bearer <paramref name="apiKey"/></c>.</summary>
    public static async Task<FakeMistralUpstream> StartAsync(string apiKey = "mistral-test-key", CancellationToken cancellationToken = default)
    {
        var fake = new FakeMistralUpstream(apiKey);
        fake._host = await FakeUpstreamHost.StartAsync(fake.HandleAsync, cancellationToken);
        return fake;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [GeneratedRegex("^[a-zA-Z0-9]{9}$")]
    private static partial Regex ToolCallId();

    private static JsonObject Error(string message, string type, string? code = null) => new()
    {
        ["object"] = "error",
        ["message"] = message,
        ["type"] = type,
        ["param"] = null,
        ["code"] = code,
    };

    private static string? Validate(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            if (!Fields.Contains(name))
            {
                return name;
            }
        }

        return null;
    }

    private static string? CheckToolIds(JsonArray messages)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    var id = call?["id"]?.GetValue<string>() ?? string.Empty;
                    if (!ToolCallId().IsMatch(id))
                    {
                        return $"Tool call id was {id} but must be a-z, A-Z, 0-9, with a length of 9.";
                    }

                    open.Add(id);
                }
            }

            if (message?["role"]?.GetValue<string>() == "tool")
            {
                var id = message["tool_call_id"]?.GetValue<string>() ?? string.Empty;
                if (!ToolCallId().IsMatch(id))
                {
                    return $"Tool call id was {id} but must be a-z, A-Z, 0-9, with a length of 9.";
                }

                if (!open.Contains(id))
                {
                    return $"Unexpected tool call id {id} in tool results";
                }
            }
        }

        return null;
    }

    private async Task HandleAsync(HttpContext context, RecordedUpstreamRequest request, CancellationToken ct)
    {
        if (request.Headers.GetValueOrDefault("authorization") != $"Bearer {_apiKey}")
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 401, new JsonObject { ["message"] = "Unauthorized", ["request_id"] = "fake" }, ct);
            return;
        }

        if (request.Body is not JsonObject body)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 400, Error("Invalid JSON body", "invalid_request_error"), ct);
            return;
        }

        if (request.Path == "/v1/embeddings")
        {
            await EmbeddingsAsync(context, body, ct);
            return;
        }

        if (request.Path != "/v1/chat/completions")
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 404, new JsonObject { ["detail"] = "Not Found" }, ct);
            return;
        }

        if (Validate(body) is { } extra)
        {
            var detail = new JsonObject { ["detail"] = new JsonArray(new JsonObject { ["type"] = "extra_forbidden", ["loc"] = new JsonArray("body", extra), ["msg"] = "Extra inputs are not permitted" }) };
            var error = Error(string.Empty, "invalid_request_error");
            error["message"] = detail;
            await FakeUpstreamHost.WriteJsonAsync(context, 422, error, ct);
            return;
        }

        var messages = body["messages"] as JsonArray ?? [];
        if (CheckToolIds(messages) is { } idError)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 400, Error(idError, "invalid_request_message_order", "3230"), ct);
            return;
        }

        var model = body["model"]?.GetValue<string>() ?? string.Empty;
        switch (model)
        {
            case "mistral-429":
                context.Response.Headers["retry-after"] = "4";
                await FakeUpstreamHost.WriteJsonAsync(context, 429, Error("Rate limit exceeded", "rate_limited", "1300"), ct);
                return;
            case "mistral-500":
                await FakeUpstreamHost.WriteJsonAsync(context, 500, Error("Service unavailable.", "internal_server_error", "3000"), ct);
                return;
        }

        await AnswerAsync(context, body, model, messages, ct);
    }

    private async Task AnswerAsync(HttpContext context, JsonObject body, string model, JsonArray messages, CancellationToken ct)
    {
        var last = messages.Count > 0 ? messages[^1] : null;
        var text = FakeConversation.Text(last?["content"]);
        var tools = body["tools"] as JsonArray;
        var choice = body["tool_choice"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["tool_choice"]!.GetValue<string>() : null;
        var callTool = tools is { Count: > 0 } && last?["role"]?.GetValue<string>() == "user" && (choice is "any" or "required" || text.StartsWith("call:", StringComparison.Ordinal));
        var json = body["response_format"]?["type"]?.GetValue<string>() is "json_object" or "json_schema";
        var stops = body["stop"] is JsonArray stopArray ? stopArray.Select(s => s!.GetValue<string>()) : [];
        var maxTokens = body["max_tokens"]?.GetValue<int>();
        var (answer, _, truncated) = FakeConversation.Limit(text, stops, maxTokens);
        if (json)
        {
            answer = new JsonObject { ["echo"] = answer }.ToJsonString();
        }

        var finish = model == "mistral-error-finish" ? "error" : callTool ? "tool_calls" : truncated ? "length" : "stop";
        var id = "cmpl-" + Interlocked.Increment(ref _count).ToString("D6", CultureInfo.InvariantCulture);
        var toolCall = callTool ? new JsonObject
        {
            ["id"] = "Ab3dE" + (_count % 10000).ToString("D4", CultureInfo.InvariantCulture),
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = tools![0]!["function"]!["name"]!.GetValue<string>(), ["arguments"] = new JsonObject { ["echo"] = text }.ToJsonString() },
        } : null;
        var usage = new JsonObject
        {
            ["prompt_tokens"] = FakeConversation.InputWords(messages),
            ["completion_tokens"] = callTool ? 5 : FakeConversation.Words(answer),
            ["total_tokens"] = FakeConversation.InputWords(messages) + (callTool ? 5 : FakeConversation.Words(answer)),
        };
        var thinking = model.StartsWith("magistral", StringComparison.Ordinal);
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, id, model, answer, thinking, toolCall, finish, usage, ct);
            return;
        }

        JsonNode? content = callTool ? string.Empty : thinking
            ? new JsonArray(
                new JsonObject { ["type"] = "thinking", ["thinking"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "Let me think." }) },
                new JsonObject { ["type"] = "text", ["text"] = answer })
            : answer;
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content, ["prefix"] = false };
        if (toolCall is not null)
        {
            message["tool_calls"] = new JsonArray(toolCall);
        }

        await FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["model"] = model,
            ["created"] = 1_700_000_000,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = usage,
        }, ct);
    }

    private static async Task StreamAsync(HttpContext context, string id, string model, string answer, bool thinking, JsonObject? toolCall, string finish, JsonObject usage, CancellationToken ct)
    {
        await FakeUpstreamHost.StartEventStreamAsync(context, ct);
        JsonObject Chunk(JsonObject delta, string? finishReason = null, JsonObject? chunkUsage = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
            };
            if (chunkUsage is not null)
            {
                chunk["usage"] = chunkUsage;
            }

            return chunk;
        }

        await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }).ToJsonString(), ct);
        if (thinking)
        {
            var chunks = new JsonArray(new JsonObject { ["type"] = "thinking", ["thinking"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "Let me think." }) });
            await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonObject { ["content"] = chunks }).ToJsonString(), ct);
        }

        if (toolCall is not null)
        {
            toolCall["index"] = 0;
            await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonObject { ["tool_calls"] = new JsonArray(toolCall) }).ToJsonString(), ct);
        }
        else
        {
            var words = answer.Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                var piece = i == 0 ? words[i] : " " + words[i];
                await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonObject { ["content"] = piece }).ToJsonString(), ct);
            }
        }

        await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonObject { ["content"] = string.Empty }, finish, usage).ToJsonString(), ct);
        await FakeUpstreamHost.WriteEventAsync(context, null, "[DONE]", ct);
    }

    private static Task EmbeddingsAsync(HttpContext context, JsonObject body, CancellationToken ct)
    {
        var inputs = body["input"] as JsonArray ?? [];
        var dimension = body["output_dimension"]?.GetValue<int>() ?? 4;
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = new JsonArray();
            for (var d = 0; d < dimension; d++)
            {
                vector.Add((i + 1) / 10.0 + d / 100.0);
            }

            data.Add(new JsonObject { ["object"] = "embedding", ["embedding"] = vector, ["index"] = i });
        }

        var tokens = inputs.Sum(t => FakeConversation.Words(t!.GetValue<string>()));
        return FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = "embd-fake",
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]?.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens, ["completion_tokens"] = 0 },
        }, ct);
    }
}
