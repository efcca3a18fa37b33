using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing.Gemini;

/// <summary>
/// A real Kestrel server on a loopback port that speaks Google's generateContent family as documented at
/// https://ai.google.dev/api/generate-content and for Vertex AI: the Gemini API paths
/// (<c>/v1beta/models/{model}:generateContent|streamGenerateContent|embedContent|batchEmbedContents</c>, key in
/// <c>x-goog-api-key</c>) and the Vertex paths
/// (<c>/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent|streamGenerateContent|predict</c>,
/// bearer tokens checked with <see cref="TokenEndpoint"/>). Unknown JSON fields are refused as Google refuses them,
/// errors come as <c>{"error":{"code","message","status","details"}}</c>, and <c>alt=sse</c> streams as
/// <c>data: {chunk}\r\n\r\n</c>.
/// </summary>
/// <remarks>
/// Answers echo the last user text. Scenarios by model name: <c>gemini-thinking</c> (a thought, then signed text, with
/// thoughts and cached tokens in usage), <c>gemini-tools</c> (calls the first declared function with a thought signature,
/// then answers the function's output); any other model follows the shared convention: with tools offered, a user
/// text starting <c>call:</c> (or mode ANY) calls the first function with <c>{"echo": rest}</c> and a thought signature.
/// Models named <c>gemini-3*</c> refuse history whose first function call of a step lacks its signature, as Gemini 3 does, <c>gemini-3-tools</c> (the same, refusing history whose function calls lack their
/// signature, as Gemini 3 does), <c>gemini-parallel-tools</c> (two calls, the first signed), <c>gemini-429</c>
/// (RESOURCE_EXHAUSTED with RetryInfo 13s), <c>gemini-400</c>, <c>gemini-404</c>, <c>gemini-500</c>, <c>gemini-503</c>,
/// <c>gemini-blocked</c> (promptFeedback.blockReason SAFETY), <c>gemini-safety</c> (finishReason SAFETY),
/// <c>gemini-truncated</c> (a stream that ends without finishReason). Every answer honours maxOutputTokens (in words,
/// MAX_TOKENS), stopSequences, candidateCount, responseMimeType application/json and responseLogprobs. Thread-safe.
/// </remarks>
public sealed class FakeGeminiUpstream : IAsyncDisposable
{
    private static readonly HashSet<string> RequestFields = ["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "cachedContent"];
    private static readonly HashSet<string> PartFields = ["text", "thought", "thoughtSignature", "inlineData", "fileData", "functionCall", "functionResponse"];
    private static readonly HashSet<string> GenerationConfigFields =
    [
        "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount", "maxOutputTokens", "temperature",
        "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig",
    ];

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedGeminiRequest> _requests = new();
    private int _nextId;

    private FakeGeminiUpstream(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's address, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The API key the Gemini API paths accept.</summary>
    public string ApiKey { get; set; } = "gm-test-key";

    /// <summary>Validates Vertex bearer tokens; Vertex paths answer 401 without one.</summary>
    public FakeGoogleTokenEndpoint? TokenEndpoint { get; set; }

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedGeminiRequest> Requests => [.. _requests];

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeGeminiUpstream> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeGeminiUpstream? fake = null;
        app.Run(context => fake!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeGeminiUpstream(app, address.TrimEnd('/'));
        return fake;
    }

    /// <summary>The requests whose body contains <paramref name="marker"/>.</summary>
    public RecordedGeminiRequest ReceivedWith(string marker) =>
        Requests.Last(r => r.RawBody.Contains(marker, StringComparison.Ordinal));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static Task WriteErrorAsync(HttpContext context, int code, string status, string message, JsonArray? details = null)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (details is not null)
        {
            error["details"] = details;
        }

        return context.Response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString(), context.RequestAborted);
    }

    private static string? UnknownField(JsonObject obj, HashSet<string> known, string path)
    {
        foreach (var (name, _) in obj)
        {
            if (!known.Contains(name))
            {
                return $"Invalid JSON payload received. Unknown name \"{name}\" at '{path}': Cannot find field.";
            }
        }

        return null;
    }

    private static string? Validate(JsonObject body)
    {
        if (UnknownField(body, RequestFields, string.Empty) is { } unknown)
        {
            return unknown;
        }

        if (body["contents"] is not JsonArray { Count: > 0 } contents)
        {
            return "* GenerateContentRequest.contents: contents is not specified";
        }

        for (var i = 0; i < contents.Count; i++)
        {
            var role = (string?)contents[i]?["role"];
            if (role is not ("user" or "model"))
            {
                return $"Please use a valid role: user, model. (contents[{i}].role: {role})";
            }

            if (contents[i]?["parts"] is not JsonArray { Count: > 0 } parts)
            {
                return $"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty.";
            }

            for (var p = 0; p < parts.Count; p++)
            {
                if (parts[p] is not JsonObject part)
                {
                    return $"contents[{i}].parts[{p}] must be an object.";
                }

                if (UnknownField(part, PartFields, $"contents[{i}].parts[{p}]") is { } unknownPart)
                {
                    return unknownPart;
                }

                if (part["functionResponse"] is JsonObject response && (response["response"] is not JsonObject || response["name"] is null))
                {
                    return $"* GenerateContentRequest.contents[{i}].parts[{p}].function_response: name and a response object are required.";
                }
            }
        }

        if (body["generationConfig"] is JsonObject config)
        {
            if (UnknownField(config, GenerationConfigFields, "generation_config") is { } unknownConfig)
            {
                return unknownConfig;
            }

            if (config["thinkingConfig"] is JsonObject thinking && thinking["thinkingBudget"] is not null && thinking["thinkingLevel"] is not null)
            {
                return "You can only set either thinking budget or thinking level.";
            }

            if (config["responseJsonSchema"] is { } schema && schema is not JsonObject)
            {
                return "* GenerateContentRequest.generation_config.response_json_schema: must be a JSON Schema object.";
            }
        }

        return null;
    }

    private static string Words(JsonArray? contents, JsonObject? system)
    {
        var text = new StringBuilder();
        foreach (var part in system?["parts"]?.AsArray() ?? [])
        {
            text.Append(' ').Append((string?)part?["text"]);
        }

        foreach (var content in contents ?? [])
        {
            foreach (var part in content?["parts"]?.AsArray() ?? [])
            {
                text.Append(' ').Append((string?)part?["text"]);
            }
        }

        return text.ToString();
    }

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static float[] Vector(string text, int dimensions)
    {
        var seed = 0;
        foreach (var c in text)
        {
            seed = unchecked((seed * 31) + c);
        }

        var values = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            values[i] = (Math.Abs(seed + (i * 7919)) % 1000) / 1000f;
        }

        return values;
    }

    private static JsonArray VectorNode(float[] values)
    {
        var array = new JsonArray();
        foreach (var v in values)
        {
            array.Add(v);
        }

        return array;
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Step 1: record.
        using var reader = new StreamReader(context.Request.Body);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path.Value ?? string.Empty;
        _requests.Enqueue(new RecordedGeminiRequest(path, context.Request.QueryString.Value ?? string.Empty, headers, raw));

        // Step 2: route and authenticate.
        string modelAndMethod;
        if (path.StartsWith("/v1beta/models/", StringComparison.Ordinal))
        {
            modelAndMethod = path["/v1beta/models/".Length..];
            if (!headers.TryGetValue("x-goog-api-key", out var key))
            {
                await WriteErrorAsync(context, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
                return;
            }

            if (key != ApiKey)
            {
                var details = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = "API_KEY_INVALID", ["domain"] = "googleapis.com" });
                await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details);
                return;
            }
        }
        else if (path.StartsWith("/v1/projects/", StringComparison.Ordinal) && path.Contains("/publishers/google/models/", StringComparison.Ordinal))
        {
            modelAndMethod = path[(path.IndexOf("/publishers/google/models/", StringComparison.Ordinal) + "/publishers/google/models/".Length)..];
            var authorization = headers.GetValueOrDefault("authorization") ?? string.Empty;
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || TokenEndpoint is null || !TokenEndpoint.IsValid(authorization["Bearer ".Length..]))
            {
                await WriteErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
                return;
            }
        }
        else
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("<html><body>Not Found</body></html>", context.RequestAborted);
            return;
        }

        var colon = modelAndMethod.LastIndexOf(':');
        var model = colon < 0 ? modelAndMethod : Uri.UnescapeDataString(modelAndMethod[..colon]);
        var method = colon < 0 ? string.Empty : modelAndMethod[(colon + 1)..];
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
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            return;
        }

        switch (method)
        {
            case "generateContent" or "streamGenerateContent":
                await GenerateAsync(context, model, body, method == "streamGenerateContent");
                return;
            case "embedContent":
                await EmbedAsync(context, [body]);
                return;
            case "batchEmbedContents":
                await BatchEmbedAsync(context, model, body);
                return;
            case "predict":
                await PredictAsync(context, model, body);
                return;
            default:
                await WriteErrorAsync(context, 404, "NOT_FOUND", $"Method not found: {method}.");
                return;
        }
    }

    private static async Task EmbedAsync(HttpContext context, List<JsonObject> requests)
    {
        var single = requests.Count == 1 && context.Request.Path.Value!.EndsWith(":embedContent", StringComparison.Ordinal);
        var embeddings = new JsonArray();
        foreach (var request in requests)
        {
            var text = (string?)request["content"]?["parts"]?[0]?["text"];
            if (text is null)
            {
                await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "* EmbedContentRequest.content: contents is not specified");
                return;
            }

            var dimensions = request["outputDimensionality"]?.GetValue<int>() ?? 8;
            embeddings.Add(new JsonObject { ["values"] = VectorNode(Vector(text, dimensions)) });
        }

        context.Response.ContentType = "application/json; charset=UTF-8";
        var answer = single ? new JsonObject { ["embedding"] = embeddings[0]!.DeepClone() } : new JsonObject { ["embeddings"] = embeddings };
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private static async Task BatchEmbedAsync(HttpContext context, string model, JsonObject body)
    {
        var requests = new List<JsonObject>();
        foreach (var entry in body["requests"]?.AsArray() ?? [])
        {
            if (entry is not JsonObject request || (string?)request["model"] != "models/" + model)
            {
                await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", $"* BatchEmbedContentsRequest.requests: model must be models/{model}.");
                return;
            }

            requests.Add(request);
        }

        await EmbedAsync(context, requests);
    }

    private static async Task PredictAsync(HttpContext context, string model, JsonObject body)
    {
        if (body["instances"] is not JsonArray { Count: > 0 } instances)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "instances must not be empty.");
            return;
        }

        if (model.StartsWith("gemini-embedding", StringComparison.Ordinal) && instances.Count > 1)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "Unable to submit request because the model supports only one instance per request.");
            return;
        }

        var dimensions = body["parameters"]?["outputDimensionality"]?.GetValue<int>() ?? 8;
        var predictions = new JsonArray();
        foreach (var instance in instances)
        {
            var text = (string?)instance?["content"] ?? string.Empty;
            predictions.Add(new JsonObject
            {
                ["embeddings"] = new JsonObject
                {
                    ["statistics"] = new JsonObject { ["truncated"] = false, ["token_count"] = CountWords(text) },
                    ["values"] = VectorNode(Vector(text, dimensions)),
                },
            });
        }

        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(new JsonObject { ["predictions"] = predictions, ["metadata"] = new JsonObject { ["billableCharacterCount"] = 0 } }.ToJsonString(), context.RequestAborted);
    }

    private async Task GenerateAsync(HttpContext context, string model, JsonObject body, bool stream)
    {
        // Step 3: the body, as Google validates it.
        if (Validate(body) is { } invalid)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", invalid);
            return;
        }

        if (stream && context.Request.Query["alt"] != "sse")
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "This fake streams with alt=sse only.");
            return;
        }

        // Step 4: scenarios.
        switch (model)
        {
            case "gemini-429":
                var retry = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = "13s" });
                await WriteErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", retry);
                return;
            case "gemini-400":
                await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
                return;
            case "gemini-404":
                await WriteErrorAsync(context, 404, "NOT_FOUND", $"models/{model} is not found for API version v1beta, or is not supported for generateContent.");
                return;
            case "gemini-500":
                await WriteErrorAsync(context, 500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
                return;
            case "gemini-503":
                await WriteErrorAsync(context, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
                return;
        }

        if (model.StartsWith("gemini-3", StringComparison.Ordinal) && MissingSignature(body) is { } missing)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", missing);
            return;
        }

        var contents = body["contents"]!.AsArray();
        var promptTokens = CountWords(Words(contents, body["systemInstruction"] as JsonObject));
        var config = body["generationConfig"] as JsonObject;
        var responseId = "resp-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

        if (model == "gemini-blocked")
        {
            var blocked = new JsonObject
            {
                ["promptFeedback"] = new JsonObject { ["blockReason"] = "SAFETY" },
                ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = promptTokens, ["totalTokenCount"] = promptTokens },
                ["modelVersion"] = model,
                ["responseId"] = responseId,
            };
            await WriteAnswerAsync(context, stream, [blocked]);
            return;
        }

        var (parts, finish, thoughts) = Answer(model, contents, body, config);
        var candidateCount = config?["candidateCount"]?.GetValue<int>() ?? 1;
        var outputTokens = parts.Where(p => p["thought"] is null).Sum(p => CountWords((string?)p["text"] ?? string.Empty)) +
            parts.Count(p => p["functionCall"] is not null);
        var cached = model == "gemini-thinking" ? Math.Min(2, promptTokens) : 0;

        JsonObject Usage(int candidatesTokens) => new()
        {
            ["promptTokenCount"] = promptTokens,
            ["candidatesTokenCount"] = candidatesTokens * candidateCount,
            ["totalTokenCount"] = promptTokens + (candidatesTokens * candidateCount) + thoughts,
            ["thoughtsTokenCount"] = thoughts == 0 ? null : thoughts,
            ["cachedContentTokenCount"] = cached == 0 ? null : cached,
        };

        if (!stream)
        {
            var candidates = new JsonArray();
            for (var c = 0; c < candidateCount; c++)
            {
                var candidate = new JsonObject
                {
                    ["content"] = new JsonObject { ["parts"] = new JsonArray([.. parts.Select(p => p.DeepClone())]), ["role"] = "model" },
                    ["finishReason"] = finish,
                    ["index"] = c,
                };
                if (config?["responseLogprobs"]?.GetValue<bool>() == true)
                {
                    candidate["logprobsResult"] = Logprobs(parts);
                }

                candidates.Add(candidate);
            }

            await WriteAnswerAsync(context, false, [new JsonObject
            {
                ["candidates"] = candidates,
                ["usageMetadata"] = Usage(outputTokens),
                ["modelVersion"] = model,
                ["responseId"] = responseId,
            }]);
            return;
        }

        // Step 5: a stream: text parts split into words, other parts whole, one chunk each; usage grows on every chunk.
        var chunks = new List<JsonObject>();
        var sent = 0;
        foreach (var part in parts)
        {
            var pieces = new List<JsonObject>();
            if (part["text"] is not null && part["functionCall"] is null)
            {
                var words = ((string)part["text"]!).Split(' ');
                for (var w = 0; w < words.Length; w++)
                {
                    var piece = new JsonObject { ["text"] = w < words.Length - 1 ? words[w] + " " : words[w] };
                    if (part["thought"] is not null)
                    {
                        piece["thought"] = true;
                    }

                    // Google puts a text part's signature on its last chunk.
                    if (w == words.Length - 1 && part["thoughtSignature"] is { } signature)
                    {
                        piece["thoughtSignature"] = signature.DeepClone();
                    }

                    pieces.Add(piece);
                }
            }
            else
            {
                pieces.Add((JsonObject)part.DeepClone());
            }

            foreach (var piece in pieces)
            {
                if (piece["thought"] is null)
                {
                    sent += piece["functionCall"] is not null ? 1 : CountWords((string?)piece["text"] ?? string.Empty);
                }

                var candidates = new JsonArray();
                for (var c = 0; c < candidateCount; c++)
                {
                    candidates.Add(new JsonObject { ["content"] = new JsonObject { ["parts"] = new JsonArray(piece.DeepClone()), ["role"] = "model" }, ["index"] = c });
                }

                chunks.Add(new JsonObject { ["candidates"] = candidates, ["usageMetadata"] = Usage(sent), ["modelVersion"] = model, ["responseId"] = responseId });
            }
        }

        if (model != "gemini-truncated")
        {
            var last = new JsonArray();
            for (var c = 0; c < candidateCount; c++)
            {
                last.Add(new JsonObject { ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = string.Empty }), ["role"] = "model" }, ["finishReason"] = finish, ["index"] = c });
            }

            chunks.Add(new JsonObject { ["candidates"] = last, ["usageMetadata"] = Usage(outputTokens), ["modelVersion"] = model, ["responseId"] = responseId });
        }

        await WriteAnswerAsync(context, true, chunks);
    }

    private static async Task WriteAnswerAsync(HttpContext context, bool stream, List<JsonObject> chunks)
    {
        if (!stream)
        {
            context.Response.ContentType = "application/json; charset=UTF-8";
            await context.Response.WriteAsync(chunks[0].ToJsonString(), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\r\n\r\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static JsonObject Logprobs(List<JsonObject> parts)
    {
        var chosen = new JsonArray();
        var top = new JsonArray();
        foreach (var part in parts.Where(p => p["thought"] is null && p["text"] is not null))
        {
            foreach (var word in ((string)part["text"]!).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                chosen.Add(new JsonObject { ["token"] = word, ["logProbability"] = -0.25 });
                top.Add(new JsonObject { ["candidates"] = new JsonArray(new JsonObject { ["token"] = word, ["logProbability"] = -0.25 }, new JsonObject { ["token"] = "x", ["logProbability"] = -3.5 }) });
            }
        }

        return new JsonObject { ["topCandidates"] = top, ["chosenCandidates"] = chosen };
    }

    private static string? MissingSignature(JsonObject body)
    {
        foreach (var content in body["contents"]!.AsArray())
        {
            if ((string?)content?["role"] != "model")
            {
                continue;
            }

            // Per the thought-signatures guide: the first function call of each step must carry its signature.
            var firstCall = content["parts"]!.AsArray().FirstOrDefault(p => p?["functionCall"] is not null);
            if (firstCall is not null && firstCall["thoughtSignature"] is null)
            {
                return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance.";
            }
        }

        return null;
    }

    private static (List<JsonObject> Parts, string Finish, int Thoughts) Answer(string model, JsonArray contents, JsonObject body, JsonObject? config)
    {
        var last = contents[^1]!;
        var lastParts = last["parts"]!.AsArray();
        var tools = model is "gemini-tools" or "gemini-3-tools" or "gemini-parallel-tools";

        // A function's result: answer with its output.
        if (tools && lastParts.Any(p => p?["functionResponse"] is not null))
        {
            var outputs = lastParts.Select(p => p?["functionResponse"]).Where(r => r is not null)
                .Select(r => $"{(string?)r!["name"]}={r["response"]!["output"]?.ToJsonString() ?? r["response"]!["error"]?.ToJsonString()}");
            return ([new JsonObject { ["text"] = "Results: " + string.Join(", ", outputs) }], "STOP", 0);
        }

        if (tools)
        {
            var function = (string?)body["tools"]?[0]?["functionDeclarations"]?[0]?["name"] ?? "unknown";
            var parts = new List<JsonObject>
            {
                new() { ["text"] = "I should call the tool.", ["thought"] = true },
                new() { ["functionCall"] = new JsonObject { ["name"] = function, ["args"] = new JsonObject { ["city"] = "Paris" } }, ["thoughtSignature"] = "c2lnLWNhbGwtMQ==" },
            };
            if (model == "gemini-parallel-tools")
            {
                parts.Add(new() { ["functionCall"] = new JsonObject { ["name"] = function, ["args"] = new JsonObject { ["city"] = "Lyon" } } });
            }

            return (parts, "STOP", 5);
        }

        // The shared fake convention: with tools offered, a user text starting "call:" calls the first function (with a
        // thought signature, as Gemini 3 gives every first call of a step).
        var text = string.Concat(lastParts.Select(p => (string?)p?["text"] ?? string.Empty));
        var mode = (string?)body["toolConfig"]?["functionCallingConfig"]?["mode"];
        if (body["tools"]?[0]?["functionDeclarations"]?[0]?["name"] is { } declared && mode != "NONE"
            && (mode == "ANY" || text.StartsWith("call:", StringComparison.Ordinal)))
        {
            var echo = text.StartsWith("call:", StringComparison.Ordinal) ? text["call:".Length..].Trim() : text;
            var call = new JsonObject { ["name"] = (string?)declared, ["args"] = new JsonObject { ["echo"] = echo } };
            return ([new JsonObject { ["functionCall"] = call, ["thoughtSignature"] = "c2lnLWVjaG8tY2FsbA==" }], "STOP", 0);
        }

        // Otherwise echo the last user text, with what it attached.
        var attachments = lastParts.Select(p => (string?)(p?["inlineData"]?["mimeType"] ?? p?["fileData"]?["mimeType"])).Where(m => m is not null).ToList();
        if (attachments.Count > 0)
        {
            text = $"[{attachments.Count} attachment(s): {string.Join(", ", attachments)}] {text}";
        }

        var finish = model == "gemini-safety" ? "SAFETY" : "STOP";
        foreach (var stop in config?["stopSequences"]?.AsArray() ?? [])
        {
            var at = text.IndexOf((string)stop!, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = text[..at];
            }
        }

        if (config?["maxOutputTokens"]?.GetValue<int>() is { } max && CountWords(text) > max)
        {
            text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(max));
            finish = "MAX_TOKENS";
        }

        if ((string?)config?["responseMimeType"] == "application/json")
        {
            text = new JsonObject { ["echo"] = text }.ToJsonString();
        }

        if (model == "gemini-thinking")
        {
            return ([new JsonObject { ["text"] = "Thinking about it.", ["thought"] = true }, new JsonObject { ["text"] = text, ["thoughtSignature"] = "c2lnLXRleHQtMQ==" }], finish, 7);
        }

        return ([new JsonObject { ["text"] = text }], finish, 0);
    }
}
