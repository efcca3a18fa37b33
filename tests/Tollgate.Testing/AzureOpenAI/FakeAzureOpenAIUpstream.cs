using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Testing.AzureOpenAI;

/// <summary>
/// A real Kestrel server on a loopback port that speaks Azure OpenAI's data-plane API
/// (https://learn.microsoft.com/azure/ai-services/openai/reference): <c>/openai/deployments/{deployment}/chat/completions</c>
/// and <c>/embeddings</c> with a required <c>api-version</c> query parameter, the <c>api-key</c> header (or an Entra ID
/// bearer token), OpenAI-shaped answers with Azure's <c>prompt_filter_results</c> and <c>content_filter_results</c>,
/// streams whose first chunk has no choices, and Azure's error answers.
/// </summary>
/// <remarks>
/// Answers echo the last message's text, cut by <c>stop</c> and by <c>max_completion_tokens</c>/<c>max_tokens</c> (words);
/// with tools offered, <c>tool_choice</c> required or a text starting with <c>call:</c> calls the first tool. Scenarios by deployment: <c>azure-429</c> (retry-after: 3), <c>azure-filter</c>
/// (400 content_filter with innererror), <c>azure-filtered-answer</c> (finish_reason content_filter); any deployment
/// not in <see cref="Deployments"/> is 404 DeploymentNotFound.
/// </remarks>
public sealed partial class FakeAzureOpenAIUpstream : IAsyncDisposable
{
    private readonly string _apiKey;
    private readonly string? _bearerToken;
    private FakeUpstreamHost _host = null!;
    private int _count;

    private FakeAzureOpenAIUpstream(string apiKey, string? bearerToken)
    {
        _apiKey = apiKey;
        _bearerToken = bearerToken;
    }

    /// <summary>The resource endpoint, such as <c>http://127.0.0.1:50123</c>.</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>Every request received so far.</summary>
    public IReadOnlyList<RecordedUpstreamRequest> Requests => _host.Requests;

    /// <summary>The deployments that exist.</summary>
    public ISet<string> Deployments { get; } = new HashSet<string>(StringComparer.Ordinal) { "gpt4o-prod", "embed-prod", "azure-429", "azure-filter", "azure-filtered-answer" };

    /// <summary>Starts a fake accepting <c>api-key: <paramref name="apiKey"/></c>, and <c>Bearer <paramref name="bearerToken"/></c> when given.</summary>
    public static async Task<FakeAzureOpenAIUpstream> StartAsync(string apiKey = "azure-test-key", string? bearerToken = null, CancellationToken cancellationToken = default)
    {
        var fake = new FakeAzureOpenAIUpstream(apiKey, bearerToken);
        fake._host = await FakeUpstreamHost.StartAsync(fake.HandleAsync, cancellationToken);
        return fake;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [GeneratedRegex("^/openai/deployments/([^/]+)/(chat/completions|embeddings)$")]
    private static partial Regex DeploymentPath();

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static JsonObject Filters(bool hateFiltered) => new()
    {
        ["hate"] = new JsonObject { ["filtered"] = hateFiltered, ["severity"] = hateFiltered ? "high" : "safe" },
        ["self_harm"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
        ["sexual"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
        ["violence"] = new JsonObject { ["filtered"] = false, ["severity"] = "safe" },
    };

    private async Task HandleAsync(HttpContext context, RecordedUpstreamRequest request, CancellationToken ct)
    {
        // Step 1: authentication, as Azure checks it before anything else.
        var key = request.Headers.GetValueOrDefault("api-key");
        var bearer = request.Headers.GetValueOrDefault("authorization");
        if (key != _apiKey && (_bearerToken is null || bearer != $"Bearer {_bearerToken}"))
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 401, Error("401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."), ct);
            return;
        }

        // Step 2: the route, its api-version, then the deployment.
        var match = DeploymentPath().Match(request.Path);
        if (!match.Success)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 404, Error("404", "Resource not found"), ct);
            return;
        }

        if (context.Request.Query["api-version"].ToString() is not { Length: > 0 })
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 404, Error("404", "Resource not found"), ct);
            return;
        }

        var deployment = Uri.UnescapeDataString(match.Groups[1].Value);
        if (!Deployments.Contains(deployment))
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 404, Error("DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."), ct);
            return;
        }

        if (request.Body is not JsonObject body)
        {
            await FakeUpstreamHost.WriteJsonAsync(context, 400, Error("BadRequest", "Invalid JSON body."), ct);
            return;
        }

        if (match.Groups[2].Value == "embeddings")
        {
            await EmbeddingsAsync(context, body, ct);
            return;
        }

        switch (deployment)
        {
            case "azure-429":
                context.Response.Headers["retry-after"] = "3";
                await FakeUpstreamHost.WriteJsonAsync(context, 429, Error("429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 3 seconds."), ct);
                return;
            case "azure-filter":
                var error = new JsonObject
                {
                    ["message"] = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
                    ["type"] = null,
                    ["param"] = "prompt",
                    ["code"] = "content_filter",
                    ["status"] = 400,
                    ["innererror"] = new JsonObject { ["code"] = "ResponsibleAIPolicyViolation", ["content_filter_result"] = Filters(hateFiltered: true) },
                };
                await FakeUpstreamHost.WriteJsonAsync(context, 400, new JsonObject { ["error"] = error }, ct);
                return;
        }

        await ChatAsync(context, body, deployment, ct);
    }

    private async Task ChatAsync(HttpContext context, JsonObject body, string deployment, CancellationToken ct)
    {
        var messages = body["messages"] as JsonArray ?? [];
        var last = messages.Count > 0 ? messages[^1] : null;
        var text = FakeConversation.Text(last?["content"]);
        var tools = body["tools"] as JsonArray;
        var choice = body["tool_choice"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["tool_choice"]!.GetValue<string>() : null;
        var callTool = tools is { Count: > 0 } && last?["role"]?.GetValue<string>() == "user" && (choice == "required" || text.StartsWith("call:", StringComparison.Ordinal));
        var filtered = deployment == "azure-filtered-answer";
        var stops = body["stop"] switch
        {
            JsonArray array => array.Select(s => s!.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        };
        var maxTokens = (body["max_completion_tokens"] ?? body["max_tokens"])?.GetValue<int>();
        var (limited, _, truncated) = FakeConversation.Limit(text, stops, maxTokens);
        var answer = filtered ? string.Join(' ', text.Split(' ').Take(2)) : limited;
        var finish = filtered ? "content_filter" : callTool ? "tool_calls" : truncated ? "length" : "stop";
        var id = "chatcmpl-azure" + Interlocked.Increment(ref _count).ToString("D6", CultureInfo.InvariantCulture);
        var input = FakeConversation.InputWords(messages);
        var output = callTool ? 5 : FakeConversation.Words(answer);
        var usage = new JsonObject { ["prompt_tokens"] = input, ["completion_tokens"] = output, ["total_tokens"] = input + output };
        var toolCall = callTool ? new JsonObject
        {
            ["id"] = $"call_azure{_count:D4}",
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = tools![0]!["function"]!["name"]!.GetValue<string>(), ["arguments"] = new JsonObject { ["echo"] = text }.ToJsonString() },
        } : null;
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, body, id, answer, toolCall, finish, usage, ct);
            return;
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = callTool ? null : answer };
        if (toolCall is not null)
        {
            message["tool_calls"] = new JsonArray(toolCall);
        }

        await FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "gpt-4o-2024-08-06",
            ["prompt_filter_results"] = new JsonArray(new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = Filters(false) }),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = finish,
                ["logprobs"] = null,
                ["content_filter_results"] = Filters(filtered),
            }),
            ["usage"] = usage,
            ["system_fingerprint"] = "fp_azure",
        }, ct);
    }

    private static async Task StreamAsync(HttpContext context, JsonObject body, string id, string answer, JsonObject? toolCall, string finish, JsonObject usage, CancellationToken ct)
    {
        var includeUsage = body["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        JsonObject Chunk(JsonArray choices) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = "gpt-4o-2024-08-06",
            ["system_fingerprint"] = "fp_azure",
            ["choices"] = choices,
        };
        JsonObject Choice(JsonObject delta, string? finishReason = null) => new() { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason, ["content_filter_results"] = new JsonObject() };

        await FakeUpstreamHost.StartEventStreamAsync(context, ct);

        // Azure's first chunk carries the prompt's filter results and no choices.
        await FakeUpstreamHost.WriteEventAsync(context, null, new JsonObject
        {
            ["id"] = string.Empty,
            ["object"] = string.Empty,
            ["created"] = 0,
            ["model"] = string.Empty,
            ["prompt_filter_results"] = new JsonArray(new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = Filters(false) }),
            ["choices"] = new JsonArray(),
        }.ToJsonString(), ct);
        await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonArray(Choice(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }))).ToJsonString(), ct);
        if (toolCall is not null)
        {
            toolCall["index"] = 0;
            await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonArray(Choice(new JsonObject { ["tool_calls"] = new JsonArray(toolCall) }))).ToJsonString(), ct);
        }
        else
        {
            foreach (var word in answer.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            {
                await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonArray(Choice(new JsonObject { ["content"] = word }))).ToJsonString(), ct);
            }
        }

        await FakeUpstreamHost.WriteEventAsync(context, null, Chunk(new JsonArray(Choice(new JsonObject(), finish))).ToJsonString(), ct);
        if (includeUsage)
        {
            var usageChunk = Chunk([]);
            usageChunk["usage"] = usage;
            await FakeUpstreamHost.WriteEventAsync(context, null, usageChunk.ToJsonString(), ct);
        }

        await FakeUpstreamHost.WriteEventAsync(context, null, "[DONE]", ct);
    }

    private static Task EmbeddingsAsync(HttpContext context, JsonObject body, CancellationToken ct)
    {
        var inputs = body["input"] switch
        {
            JsonArray array => array.Select(i => i!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray(0.5 + i, -0.5, 0.25) });
        }

        var tokens = inputs.Sum(FakeConversation.Words);
        return FakeUpstreamHost.WriteJsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }, ct);
    }
}
