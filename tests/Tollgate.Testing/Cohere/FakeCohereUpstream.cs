using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing.Cohere;

/// <summary>
/// A real Kestrel server on a loopback port that speaks Cohere's v2 API (https://docs.cohere.com/reference/chat):
/// <c>POST /v2/chat</c> with its response shape (content items, <c>tool_plan</c>, <c>tool_calls</c>, upper-case finish
/// reasons, <c>usage.billed_units</c> and <c>usage.tokens</c>), its SSE stream (<c>event:</c> lines named like the
/// <c>type</c> in each JSON: message-start, content-start, content-delta, content-end, tool-plan-delta,
/// tool-call-start/-delta/-end, message-end), <c>POST /v2/embed</c>, and <c>{"id","message"}</c> errors.
/// </summary>
/// <remarks>
/// Answers echo the last message (<see cref="FakeConversation"/>); billed input tokens are its words, while
/// <c>usage.tokens.input_tokens</c> adds 100 for Cohere's prompt template. With tools offered, <c>tool_choice</c>
/// REQUIRED or a text starting with <c>call:</c> calls the first tool with <c>{"echo": text}</c>. Scenarios by model:
/// <c>cohere-429</c> (retry-after: 5), <c>cohere-reasoning</c> (a thinking item first), <c>cohere-error-finish</c>.
/// </remarks>
public sealed class FakeCohereUpstream : IAsyncDisposable
{
    /// <summary>What <c>usage.tokens.input_tokens</c> adds to the billed input tokens.</summary>
    public const int TemplateTokens = 100;

    private readonly string _apiKey;
    private FakeUpstreamHost _host = null!;
    private int _count;

    private FakeCohereUpstream(string apiKey)
    {
        _apiKey = apiKey;
    }

    /// <summary>The server's root (no <c>/v2</c>).</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>Every request received so far.</summary>
    public IReadOnlyList<RecordedUpstreamRequest> Requests => _host.Requests;

    /// <summary>Starts a fake accepting <c>Bearer <paramref name="apiKey"/></c>.</summary>
    public static async Task<FakeCohereUpstream> StartAsync(string apiKey = "cohere-test-key", CancellationToken cancellationToken = default)
    {
        var fake = new FakeCohereUpstream(apiKey);
        fake._host = await FakeUpstreamHost.StartAsync(fake.HandleAsync, cancellationToken);
        return fake;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static JsonObject Error(string message) => new() { ["id"] = "fake-error", ["message"] = message };

    private async Task HandleAsync(HttpContext context, RecordedUpstreamRequest request, CancellationToken ct)
    {
        if (request.Headers.GetValueOrDefault("authorization") != $"Bearer {_apiKey}")
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 401, Error("invalid api token"), ct);
            return;
        }

        if (request.Body is not JsonObject body || body["model"] is null)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 400, Error("invalid request: model is required"), ct);
            return;
        }

        if (request.Path == "/v2/embed")
        {
            await EmbedAsync(context, body, ct);
            return;
        }

        if (request.Path != "/v2/chat")
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 404, Error("not found"), ct);
            return;
        }

        var messages = body["messages"] as JsonArray;
        if (messages is null || messages.Count == 0)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 400, Error("invalid request: messages must not be empty"), ct);
            return;
        }

        foreach (var message in messages)
        {
            if (message?["role"]?.GetValue<string>() is not ("system" or "user" or "assistant" or "tool"))
            {
                await FakeUpstreamHost.WriteJsonAsync(context, 400, Error("invalid request: unknown role"), ct);
                return;
            }
        }

        var model = body["model"]!.GetValue<string>();
        if (model == "cohere-429")
        {
            context.Response.Headers["retry-after"] = "5";
            await FakeUpstreamHost.WriteJsonAsync(context, 429, Error("You are using a Trial key, which is limited to 10 API calls / minute."), ct);
            return;
        }

        await AnswerAsync(context, body, model, messages, ct);
    }

    private async Task AnswerAsync(HttpContext context, JsonObject body, string model, JsonArray messages, CancellationToken ct)
    {
        var last = messages[^1];
        var text = FakeConversation.Text(last?["content"]);
        var tools = body["tools"] as JsonArray;
        var callTool = tools is { Count: > 0 } && last?["role"]?.GetValue<string>() == "user" &&
            (body["tool_choice"]?.GetValue<string>() == "REQUIRED" || text.StartsWith("call:", StringComparison.Ordinal));
        var json = body["response_format"]?["type"]?.GetValue<string>() == "json_object";
        var stops = body["stop_sequences"] is JsonArray stopArray ? stopArray.Select(s => s!.GetValue<string>()) : [];
        var (answer, stopped, truncated) = FakeConversation.Limit(text, stops, body["max_tokens"]?.GetValue<int>());
        if (json)
        {
            answer = new JsonObject { ["echo"] = answer }.ToJsonString();
        }

        var finish = model == "cohere-error-finish" ? "ERROR" : callTool ? "TOOL_CALL" : truncated ? "MAX_TOKENS" : stopped ? "STOP_SEQUENCE" : "COMPLETE";
        var id = "c0here-" + Interlocked.Increment(ref _count).ToString("D6", CultureInfo.InvariantCulture);
        var input = FakeConversation.InputWords(messages);
        var output = callTool ? 6 : FakeConversation.Words(answer);
        var usage = new JsonObject
        {
            ["billed_units"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output },
            ["tokens"] = new JsonObject { ["input_tokens"] = input + TemplateTokens, ["output_tokens"] = output + 2 },
        };
        var toolName = callTool ? tools![0]!["function"]!["name"]!.GetValue<string>() : null;
        var callId = $"{toolName}_{_count:D4}";
        var arguments = new JsonObject { ["echo"] = text }.ToJsonString();
        var plan = $"I will call {toolName}.";
        var reasoning = model == "cohere-reasoning";
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, id, answer, reasoning, callTool ? (callId, toolName!, arguments, plan) : null, finish, usage, ct);
            return;
        }

        var message = new JsonObject { ["role"] = "assistant" };
        if (callTool)
        {
            message["tool_plan"] = plan;
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = callId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = toolName, ["arguments"] = arguments },
            });
        }
        else
        {
            var content = new JsonArray();
            if (reasoning)
            {
                content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = "Let me think." });
            }

            content.Add(new JsonObject { ["type"] = "text", ["text"] = answer });
            message["content"] = content;
        }

        await FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject { ["id"] = id, ["finish_reason"] = finish, ["message"] = message, ["usage"] = usage }, ct);
    }

    private static async Task StreamAsync(HttpContext context, string id, string answer, bool reasoning, (string Id, string Name, string Arguments, string Plan)? call, string finish, JsonObject usage, CancellationToken ct)
    {
        async Task Send(JsonObject e) => await FakeUpstreamHost.WriteEventAsync(context, e["type"]!.GetValue<string>(), e.ToJsonString(), ct);
        JsonObject Delta(JsonObject message) => new() { ["message"] = message };

        await FakeUpstreamHost.StartEventStreamAsync(context, ct);
        await Send(new JsonObject { ["type"] = "message-start", ["id"] = id, ["delta"] = Delta(new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(), ["tool_plan"] = string.Empty, ["tool_calls"] = new JsonArray(), ["citations"] = new JsonArray() }) });
        if (call is { } c)
        {
            foreach (var word in c.Plan.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            {
                await Send(new JsonObject { ["type"] = "tool-plan-delta", ["delta"] = Delta(new JsonObject { ["tool_plan"] = word }) });
            }

            await Send(new JsonObject
            {
                ["type"] = "tool-call-start",
                ["index"] = 0,
                ["delta"] = Delta(new JsonObject { ["tool_calls"] = new JsonObject { ["id"] = c.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = string.Empty } } }),
            });
            var half = c.Arguments.Length / 2;
            foreach (var piece in new[] { c.Arguments[..half], c.Arguments[half..] })
            {
                await Send(new JsonObject { ["type"] = "tool-call-delta", ["index"] = 0, ["delta"] = Delta(new JsonObject { ["tool_calls"] = new JsonObject { ["function"] = new JsonObject { ["arguments"] = piece } } }) });
            }

            await Send(new JsonObject { ["type"] = "tool-call-end", ["index"] = 0 });
        }
        else
        {
            var index = 0;
            if (reasoning)
            {
                await Send(new JsonObject { ["type"] = "content-start", ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["type"] = "thinking", ["thinking"] = string.Empty } }) });
                await Send(new JsonObject { ["type"] = "content-delta", ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["thinking"] = "Let me think." } }) });
                await Send(new JsonObject { ["type"] = "content-end", ["index"] = index });
                index++;
            }

            await Send(new JsonObject { ["type"] = "content-start", ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } }) });
            foreach (var word in answer.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            {
                await Send(new JsonObject { ["type"] = "content-delta", ["index"] = index, ["delta"] = Delta(new JsonObject { ["content"] = new JsonObject { ["text"] = word } }) });
            }

            await Send(new JsonObject { ["type"] = "content-end", ["index"] = index });
        }

        await Send(new JsonObject { ["type"] = "message-end", ["id"] = id, ["delta"] = new JsonObject { ["finish_reason"] = finish, ["usage"] = usage } });
    }

    private static Task EmbedAsync(HttpContext context, JsonObject body, CancellationToken ct)
    {
        if (body["input_type"] is null || body["embedding_types"] is not JsonArray)
        {
            return FakeUpstreamHost.WriteJsonAsync(context, 400, Error("invalid request: input_type and embedding_types are required for embed models v3 and higher"), ct);
        }

        var texts = body["texts"] as JsonArray ?? [];
        var dimension = body["output_dimension"]?.GetValue<int>() ?? 4;
        var vectors = new JsonArray();
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = new JsonArray();
            for (var d = 0; d < dimension; d++)
            {
                vector.Add((i + 1) / 10.0 + d / 100.0);
            }

            vectors.Add(vector);
        }

        var tokens = texts.Sum(t => FakeConversation.Words(t!.GetValue<string>()));
        return FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = "embed-fake",
            ["embeddings"] = new JsonObject { ["float"] = vectors },
            ["texts"] = texts.DeepClone(),
            ["meta"] = new JsonObject { ["api_version"] = new JsonObject { ["version"] = "2" }, ["billed_units"] = new JsonObject { ["input_tokens"] = tokens } },
            ["response_type"] = "embeddings_by_type",
        }, ct);
    }
}
