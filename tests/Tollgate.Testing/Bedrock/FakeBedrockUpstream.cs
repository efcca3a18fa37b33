using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing.Bedrock;

/// <summary>
/// A real Kestrel server on a loopback port that speaks the Bedrock Runtime API as documented at
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/: <c>POST /model/{modelId}/converse</c> (JSON),
/// <c>/converse-stream</c> (real <c>application/vnd.amazon.eventstream</c> frames) and <c>/invoke</c> (Titan and Cohere
/// embeddings). Every request's SigV4 signature is recomputed with the test credentials; a wrong one gets 403
/// <c>InvalidSignatureException</c>. Errors carry <c>x-amzn-ErrorType</c> and <c>{"message"}</c>.
/// </summary>
/// <remarks>
/// Answers follow the other fakes: the last user text is echoed (tool results included); a tool is called when the tool
/// choice demands one (<c>any</c>, <c>tool</c>) or the text starts with <c>call:</c>; Claude model ids asked for thinking
/// answer with a reasoning block first. Scenarios by model id: <c>bedrock-400</c>, <c>-403</c>, <c>-404</c>, <c>-408</c>,
/// <c>-424</c>, <c>-429</c>, <c>-500</c>, <c>-503</c> (each documented error), <c>bedrock-not-ready</c> (429
/// ModelNotReadyException), <c>bedrock-midstream-throttle</c> (a throttlingException frame after two deltas),
/// <c>bedrock-bad-crc</c> (a frame with a corrupted message CRC), <c>bedrock-truncated</c> (the stream ends without
/// messageStop). Thread-safe.
/// </remarks>
public sealed partial class FakeBedrockUpstream : IAsyncDisposable
{
    /// <summary>The access key id the fake accepts.</summary>
    public const string AccessKeyId = "AKIDFAKEBEDROCK";

    /// <summary>The secret the fake signs with.</summary>
    public const string SecretAccessKey = "fake/secret+KEY/for/bedrock/tests";

    private static readonly (string Model, int Status, string Type, string Message)[] ErrorScenarios =
    [
        ("bedrock-400", 400, "ValidationException", "The provided model identifier is invalid."),
        ("bedrock-403", 403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
        ("bedrock-404", 404, "ResourceNotFoundException", "Model not found."),
        ("bedrock-408", 408, "ModelTimeoutException", "Model has timed out in processing the request."),
        ("bedrock-424", 424, "ModelErrorException", "The model produced an error."),
        ("bedrock-429", 429, "ThrottlingException", "Too many requests, please wait before trying again."),
        ("bedrock-not-ready", 429, "ModelNotReadyException", "Model is not ready for inference."),
        ("bedrock-500", 500, "InternalServerException", "An internal server error occurred."),
        ("bedrock-503", 503, "ServiceUnavailableException", "Service unavailable."),
    ];

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedBedrockRequest> _requests = new();
    private int _nextId;

    private FakeBedrockUpstream(WebApplication app, string baseUrl, string region, string? sessionToken)
    {
        _app = app;
        BaseUrl = baseUrl;
        Region = region;
        SessionToken = sessionToken;
    }

    /// <summary>The server's address, such as <c>http://127.0.0.1:50123</c>, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The signing region the fake expects.</summary>
    public string Region { get; }

    /// <summary>The session token the fake expects in <c>x-amz-security-token</c>, when set.</summary>
    public string? SessionToken { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedBedrockRequest> Requests => [.. _requests];

    /// <summary>Reported in every answer's usage as <c>cacheReadInputTokens</c>.</summary>
    public int CacheReadInputTokens { get; set; }

    /// <summary>Reported in every answer's usage as <c>cacheWriteInputTokens</c>.</summary>
    public int CacheWriteInputTokens { get; set; }

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeBedrockUpstream> StartAsync(string region = "us-east-1", string? sessionToken = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeBedrockUpstream? fake = null;
        app.Run(context => fake!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeBedrockUpstream(app, address.TrimEnd('/'), region, sessionToken);
        return fake;
    }

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
        context.Response.Headers["x-amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        return context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString(), context.RequestAborted);
    }

    private static string? ValidateConverse(JsonObject body)
    {
        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
        }

        var hasToolBlocks = false;
        string? previousRole = null;
        var documentNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = (string?)messages[i]?["role"];
            if (role is not ("user" or "assistant"))
            {
                return $"1 validation error detected: Value at 'messages.{i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]";
            }

            if (i == 0 && role != "user")
            {
                return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
            }

            if (role == previousRole)
            {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
            }

            previousRole = role;
            if (messages[i]?["content"] is not JsonArray { Count: > 0 } content)
            {
                return $"The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again.";
            }

            foreach (var block in content.OfType<JsonObject>())
            {
                if (block.Count != 1)
                {
                    return $"messages.{i}: a ContentBlock is a union: exactly one member must be set.";
                }

                if (block["text"] is JsonValue text && ((string?)text)?.Trim().Length == 0)
                {
                    return "The text field in the ContentBlock object is blank. Add text to the text field, and try again.";
                }

                hasToolBlocks |= block.ContainsKey("toolUse") || block.ContainsKey("toolResult");
                if (block["document"] is JsonObject document)
                {
                    var name = (string?)document["name"] ?? string.Empty;
                    if (!DocumentName().IsMatch(name) || name.Contains("  ", StringComparison.Ordinal))
                    {
                        return "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets.";
                    }

                    if (!documentNames.Add(name))
                    {
                        return "Duplicate document names are not allowed in the same request.";
                    }
                }
            }
        }

        if (hasToolBlocks && body["toolConfig"] is null)
        {
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
        }

        return null;
    }

    private static JsonObject Usage(FakeBedrockAnswer answer, int cacheRead, int cacheWrite) => new()
    {
        ["inputTokens"] = answer.InputTokens,
        ["outputTokens"] = answer.OutputTokens,
        ["totalTokens"] = answer.InputTokens + answer.OutputTokens + cacheRead + cacheWrite,
        ["cacheReadInputTokens"] = cacheRead,
        ["cacheWriteInputTokens"] = cacheWrite,
    };

    private static async Task SendFrameAsync(HttpContext context, byte[] frame)
    {
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static List<string> SplitInThree(string json)
    {
        var third = Math.Max(1, json.Length / 3);
        return [json[..third], json[third..Math.Min(json.Length, 2 * third)], json[Math.Min(json.Length, 2 * third)..]];
    }

    [GeneratedRegex(@"^[\p{L}\p{N}\s\-\(\)\[\]]{1,200}$")]
    private static partial Regex DocumentName();

    private async Task HandleAsync(HttpContext context)
    {
        // Step 1: record the request exactly as it arrived (the raw target keeps the model id's percent-encoding).
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var bytes = buffer.ToArray();
        var raw = Encoding.UTF8.GetString(bytes);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var segments = rawTarget.Split('?')[0].Split('/');
        var modelId = segments.Length == 4 && segments[1] == "model" ? Uri.UnescapeDataString(segments[2]) : null;
        var operation = segments.Length == 4 ? segments[3] : null;
        _requests.Enqueue(new RecordedBedrockRequest(rawTarget, modelId, operation, headers, raw));

        // Step 2: the signature, as AWS checks it before anything else.
        var failure = FakeSigV4Verifier.Verify(
            context.Request.Method, rawTarget, name => headers.TryGetValue(name, out var v) ? v : null, bytes, AccessKeyId, SecretAccessKey, SessionToken, Region, "bedrock");
        if (failure is "missing" or "incomplete")
        {
            await WriteErrorAsync(context, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }

        if (failure == "unknown-key")
        {
            await WriteErrorAsync(context, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
            return;
        }

        if (failure is not null)
        {
            await WriteErrorAsync(context, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
            return;
        }

        if (context.Request.Method != "POST" || modelId is null || operation is not ("converse" or "converse-stream" or "invoke"))
        {
            await WriteErrorAsync(context, 404, "UnknownOperationException", "Unknown operation.");
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
            await WriteErrorAsync(context, 400, "ValidationException", "Malformed input request, please reformat your input and try again.");
            return;
        }

        // Step 3: scenarios chosen by model id, then the operation.
        foreach (var (model, status, type, message) in ErrorScenarios)
        {
            if (modelId == model)
            {
                if (status == 429)
                {
                    context.Response.Headers["retry-after"] = "3";
                }

                await WriteErrorAsync(context, status, type, message);
                return;
            }
        }

        if (operation == "invoke")
        {
            await EmbedAsync(context, modelId, body);
            return;
        }

        if (ValidateConverse(body) is { } invalid)
        {
            await WriteErrorAsync(context, 400, "ValidationException", invalid);
            return;
        }

        var answer = FakeBedrockAnswer.Create(modelId, body);
        var requestId = string.Create(CultureInfo.InvariantCulture, $"req-{Interlocked.Increment(ref _nextId):D4}");
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        if (operation == "converse-stream")
        {
            try
            {
                await StreamAsync(context, modelId, answer);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }

            return;
        }

        var contentBlocks = new JsonArray();
        if (answer.Reasoning is not null)
        {
            contentBlocks.Add(new JsonObject { ["reasoningContent"] = new JsonObject { ["reasoningText"] = new JsonObject { ["text"] = answer.Reasoning, ["signature"] = answer.Signature } } });
        }

        contentBlocks.Add(answer.ToolName is null
            ? new JsonObject { ["text"] = answer.Text }
            : new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_" + requestId, ["name"] = answer.ToolName, ["input"] = answer.ToolInput!.DeepClone() } });
        var converse = new JsonObject
        {
            ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = contentBlocks } },
            ["stopReason"] = answer.StopReason,
            ["usage"] = Usage(answer, CacheReadInputTokens, CacheWriteInputTokens),
            ["metrics"] = new JsonObject { ["latencyMs"] = 42 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(converse.ToJsonString(), context.RequestAborted);
    }

    private async Task StreamAsync(HttpContext context, string modelId, FakeBedrockAnswer answer)
    {
        // The documented order: messageStart, content block deltas (toolUse blocks open with contentBlockStart) and stops, messageStop, metadata.
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        await SendFrameAsync(context, EventStreamEncoder.Event("messageStart", """{"role":"assistant","p":"abcd"}"""));
        var index = 0;
        if (answer.Reasoning is not null)
        {
            foreach (var chunk in SplitInThree(answer.Reasoning))
            {
                await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = index, ["delta"] = new JsonObject { ["reasoningContent"] = new JsonObject { ["text"] = chunk } } }.ToJsonString()));
            }

            await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = index, ["delta"] = new JsonObject { ["reasoningContent"] = new JsonObject { ["signature"] = answer.Signature } } }.ToJsonString()));
            await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockStop", new JsonObject { ["contentBlockIndex"] = index }.ToJsonString()));
            index++;
        }

        if (answer.ToolName is not null)
        {
            await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockStart", new JsonObject
            {
                ["contentBlockIndex"] = index,
                ["start"] = new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = "tooluse_stream", ["name"] = answer.ToolName } },
            }.ToJsonString()));
        }

        var deltas = answer.ToolName is null ? answer.TextChunks : SplitInThree(answer.ToolInput!.ToJsonString());
        for (var i = 0; i < deltas.Count; i++)
        {
            if (i == 2)
            {
                switch (modelId)
                {
                    case "bedrock-midstream-throttle":
                        await SendFrameAsync(context, EventStreamEncoder.Exception("throttlingException", "Too many tokens, please wait before trying again."));
                        return;
                    case "bedrock-truncated":
                        return;
                    case "bedrock-bad-crc":
                        var frame = EventStreamEncoder.Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = index, ["delta"] = new JsonObject { ["text"] = deltas[i] } }.ToJsonString());
                        frame[^1] ^= 0xFF;
                        await SendFrameAsync(context, frame);
                        return;
                }
            }

            var delta = answer.ToolName is null
                ? new JsonObject { ["text"] = deltas[i] }
                : new JsonObject { ["toolUse"] = new JsonObject { ["input"] = deltas[i] } };
            await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = index, ["delta"] = delta }.ToJsonString()));
        }

        await SendFrameAsync(context, EventStreamEncoder.Event("contentBlockStop", new JsonObject { ["contentBlockIndex"] = index }.ToJsonString()));
        await SendFrameAsync(context, EventStreamEncoder.Event("messageStop", new JsonObject { ["stopReason"] = answer.StopReason }.ToJsonString()));
        await SendFrameAsync(context, EventStreamEncoder.Event("metadata", new JsonObject
        {
            ["usage"] = Usage(answer, CacheReadInputTokens, CacheWriteInputTokens),
            ["metrics"] = new JsonObject { ["latencyMs"] = 42 },
        }.ToJsonString()));
    }

    private static async Task EmbedAsync(HttpContext context, string modelId, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        if (modelId.Contains("amazon.titan-embed", StringComparison.Ordinal))
        {
            if (body["inputText"] is not JsonValue input)
            {
                await WriteErrorAsync(context, 400, "ValidationException", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
                return;
            }

            var text = (string)input!;
            var dimensions = body["dimensions"] is JsonValue d ? (int)d : 1024;
            if (dimensions is not (256 or 512 or 1024))
            {
                await WriteErrorAsync(context, 400, "ValidationException", "Malformed input request: #/dimensions: " + dimensions + " is not a valid enum value, please reformat your input and try again.");
                return;
            }

            context.Response.Headers["X-Amzn-Bedrock-Input-Token-Count"] = FakeBedrockAnswer.CountWords(text).ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(new JsonObject
            {
                ["embedding"] = Vector(text, dimensions),
                ["inputTextTokenCount"] = FakeBedrockAnswer.CountWords(text),
            }.ToJsonString(), context.RequestAborted);
            return;
        }

        if (modelId.Contains("cohere.embed", StringComparison.Ordinal) && body["texts"] is JsonArray texts && body["input_type"] is JsonValue)
        {
            var strings = texts.Select(t => (string?)t ?? string.Empty).ToList();
            context.Response.Headers["X-Amzn-Bedrock-Input-Token-Count"] = strings.Sum(FakeBedrockAnswer.CountWords).ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(new JsonObject
            {
                ["embeddings"] = new JsonArray([.. strings.Select(s => (JsonNode)Vector(s, 1024))]),
                ["id"] = "emb-fake",
                ["response_type"] = "embeddings_floats",
                ["texts"] = new JsonArray([.. strings.Select(s => (JsonNode)JsonValue.Create(s))]),
            }.ToJsonString(), context.RequestAborted);
            return;
        }

        await WriteErrorAsync(context, 400, "ValidationException", "Malformed input request, please reformat your input and try again.");
    }

    // The same text always gives the same vector; its first component is the word count, so tests can tell inputs apart.
    private static JsonArray Vector(string text, int dimensions)
    {
        var vector = new JsonArray();
        vector.Add((float)FakeBedrockAnswer.CountWords(text));
        for (var i = 1; i < dimensions; i++)
        {
            vector.Add((float)((text.Length + i) % 7) / 7f);
        }

        return vector;
    }
}
