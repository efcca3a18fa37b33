using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Chat;
using Tollgate.Core.Providers;
using Tollgate.Embeddings;

namespace Tollgate.Providers.Simulated;

/// <summary>
/// A built-in provider that answers from the request itself, without a network: for demos, tests, load tests and
/// failover drills. Thread-safe. Token counts come from <see cref="SimulatedTokenizer"/>.
/// </summary>
/// <remarks>
/// Every request runs these steps:
/// 1. Decide, before the first token, whether it fails (<see cref="SimulatedProviderOptions.ErrorRate"/>, drawn from
///    <see cref="ProviderContext.Random"/>); a failure is thrown at once, without waiting.
/// 2. Work out the answer: a tool call when the request has tools and <c>tool_choice</c> is required or names a
///    function, or the last user text starts with <c>call:</c>; <c>{"echo":"..."}</c> in JSON mode; otherwise the
///    <c>answer</c> text, padded or cut to <c>answer_tokens</c>, then cut at the first stop sequence, then capped at
///    <see cref="ChatRequest.MaxTokens"/>. Tool calls are never cut.
/// 3. Wait <c>time_to_first_token</c>, then send a token every 1/<c>tokens_per_second</c> seconds (a whole answer
///    waits as long as its stream would). Every wait honours the cancellation token.
/// </remarks>
public sealed partial class SimulatedChatProvider : IChatProvider
{
    /// <summary>Prompt tokens counted for each image part.</summary>
    public const int ImageTokens = 85;

    private const string CallPrefix = "call:";

    private static readonly ProviderCapabilities AllCapabilities = new()
    {
        NativeFormat = WireFormat.None,
        Vision = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = true,
        Seed = true,
        MultipleChoices = true,
        Documents = true,
        TopK = true,
        Penalties = true,
        Reasoning = true,
        PromptCaching = true,
        Embeddings = true,
    };

    private readonly string _name;
    private readonly SimulatedProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly ILogger _logger;
    private long _requestCount;

    /// <summary>Creates the provider; <see cref="SimulatedChatProviderFactory"/> validates <paramref name="options"/> first.</summary>
    public SimulatedChatProvider(string name, SimulatedProviderOptions options, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        _name = name;
        _options = options;
        _time = context.Time;
        _random = context.Random;
        _logger = context.LoggerFactory.CreateLogger<SimulatedChatProvider>();
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities => AllCapabilities;

    /// <inheritdoc/>
    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        // Step 1 and 2.
        ThrowIfSimulatedFailure();
        var choiceCount = GetChoiceCount(request);
        var answer = Plan(request);
        var id = NextId();
        var created = _time.GetUtcNow();

        // Step 3: as long as the last token of a stream would take.
        await DelayAsync(_options.TimeToFirstToken + TokenOffset(answer.OutputTokens - 1), cancellationToken);

        var choices = new List<ChatChoice>(choiceCount);
        for (var i = 0; i < choiceCount; i++)
        {
            var message = answer.ToolCall is { } call
                ? new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [call] }
                : ChatMessage.FromText(ChatRole.Assistant, answer.Text);
            choices.Add(new ChatChoice(i, message, answer.FinishReason) { StopSequence = answer.StopSequence });
        }

        return new ChatResponse
        {
            Id = id,
            Model = request.Model,
            Created = created,
            Choices = choices,
            Usage = CreateUsage(request, answer, choiceCount),
        };
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Yields, per choice, a role update, then one update per token (text, or for a tool call the id and name first
    /// and then one argument fragment per token), then a finish update; and last one usage update.
    /// </remarks>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        // Step 1 and 2.
        ThrowIfSimulatedFailure();
        var choiceCount = GetChoiceCount(request);
        var answer = Plan(request);
        var id = NextId();
        var model = request.Model;
        var start = _time.GetTimestamp();

        // Step 3.
        await DelayAsync(_options.TimeToFirstToken, cancellationToken);
        for (var c = 0; c < choiceCount; c++)
        {
            yield return new ChatStreamUpdate { Id = id, Model = model, ChoiceIndex = c, Role = ChatRole.Assistant };
        }

        if (answer.ToolCall is { } call)
        {
            for (var c = 0; c < choiceCount; c++)
            {
                yield return new ChatStreamUpdate { Id = id, Model = model, ChoiceIndex = c, ToolCalls = [new ToolCallUpdate(0, call.Id, call.Name, string.Empty)] };
            }
        }

        for (var t = 0; t < answer.Pieces.Count; t++)
        {
            await PaceAsync(start, t, cancellationToken);
            var piece = answer.Pieces[t];
            for (var c = 0; c < choiceCount; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return answer.ToolCall is null
                    ? new ChatStreamUpdate { Id = id, Model = model, ChoiceIndex = c, TextDelta = piece }
                    : new ChatStreamUpdate { Id = id, Model = model, ChoiceIndex = c, ToolCalls = [new ToolCallUpdate(0, null, null, piece)] };
            }
        }

        for (var c = 0; c < choiceCount; c++)
        {
            yield return new ChatStreamUpdate { Id = id, Model = model, ChoiceIndex = c, FinishReason = answer.FinishReason, StopSequence = answer.StopSequence };
        }

        yield return new ChatStreamUpdate { Id = id, Model = model, Usage = CreateUsage(request, answer, choiceCount) };
    }

    /// <inheritdoc/>
    public async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfSimulatedFailure();

        var dimensions = request.Dimensions ?? _options.EmbeddingDimensions;
        if (dimensions is < 1 or > SimulatedChatProviderFactory.MaxEmbeddingDimensions)
        {
            throw new ProviderException(
                ProviderErrorKind.Upstream,
                400,
                $"Invalid 'dimensions': {dimensions.ToString(CultureInfo.InvariantCulture)}. It must be between 1 and {SimulatedChatProviderFactory.MaxEmbeddingDimensions.ToString(CultureInfo.InvariantCulture)}.")
            {
                ErrorType = "invalid_request_error",
                ErrorCode = "invalid_value",
                Param = "dimensions",
            };
        }

        await DelayAsync(_options.TimeToFirstToken, cancellationToken);

        var vectors = new List<float[]>(request.Inputs.Count);
        long tokens = 0;
        foreach (var input in request.Inputs)
        {
            vectors.Add(SimulatedEmbedding.Create(input, dimensions));
            tokens += SimulatedTokenizer.Count(input);
        }

        return new EmbeddingResponse(request.Model, vectors, tokens);
    }

    /// <summary>Builds the failure a simulated error throws for <paramref name="status"/>, typed in OpenAI's vocabulary.</summary>
    internal static ProviderException CreateFailure(int status) => status switch
    {
        429 => new(ProviderErrorKind.Upstream, status, "Simulated failure")
        {
            ErrorType = "rate_limit_error",
            ErrorCode = "rate_limit_exceeded",
            RetryAfter = TimeSpan.FromSeconds(1),
        },
        503 => new(ProviderErrorKind.Upstream, status, "Simulated failure") { ErrorType = "service_unavailable" },
        >= 500 => new(ProviderErrorKind.Upstream, status, "Simulated failure") { ErrorType = "api_error" },
        _ => new(ProviderErrorKind.Upstream, status, "Simulated failure") { ErrorType = "invalid_request_error" },
    };

    private static int GetChoiceCount(ChatRequest request)
    {
        var n = request.N ?? 1;
        if (n < 1)
        {
            throw new ProviderException(ProviderErrorKind.Upstream, 400, $"{n.ToString(CultureInfo.InvariantCulture)} is less than the minimum of 1 - 'n'")
            {
                ErrorType = "invalid_request_error",
                Param = "n",
            };
        }

        return n;
    }

    private static ChatUsage CreateUsage(ChatRequest request, SimulatedAnswer answer, int choiceCount) => new()
    {
        InputTokens = CountInputTokens(request),
        OutputTokens = (long)answer.OutputTokens * choiceCount,
    };

    private static long CountInputTokens(ChatRequest request)
    {
        long tokens = 0;
        foreach (var message in request.Messages)
        {
            foreach (var part in message.Parts)
            {
                tokens += part switch
                {
                    TextPart text => SimulatedTokenizer.Count(text.Text),
                    ImagePart => ImageTokens,
                    _ => 0,
                };
            }

            if (message.ToolCalls is { } calls)
            {
                foreach (var call in calls)
                {
                    tokens += SimulatedTokenizer.Count(call.Name) + SimulatedTokenizer.Count(call.ArgumentsJson);
                }
            }
        }

        return tokens;
    }

    private static string GetLastUserText(ChatRequest request)
    {
        for (var i = request.Messages.Count - 1; i >= 0; i--)
        {
            if (request.Messages[i].Role == ChatRole.User)
            {
                return request.Messages[i].GetText();
            }
        }

        return string.Empty;
    }

    private static string EchoJson(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("echo", text);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Repeats <paramref name="text"/> (a space between repetitions) or cuts it to exactly <paramref name="tokens"/> tokens.</summary>
    private static List<string> PadOrTruncate(string text, int tokens)
    {
        var source = SimulatedTokenizer.Split(text.Trim());
        if (source.Count == 0)
        {
            source = SimulatedTokenizer.Split(SimulatedProviderOptions.LoremText);
        }

        var pieces = new List<string>(tokens);
        for (var i = 0; i < tokens; i++)
        {
            var piece = source[i % source.Count];
            pieces.Add(i >= source.Count && i % source.Count == 0 ? " " + piece.TrimStart() : piece);
        }

        return pieces;
    }

    private static int FirstStopIndex(string text, IList<string>? stop, out string? matched)
    {
        var first = -1;
        matched = null;
        if (stop is null)
        {
            return first;
        }

        foreach (var sequence in stop)
        {
            if (string.IsNullOrEmpty(sequence))
            {
                continue;
            }

            var index = text.IndexOf(sequence, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
                matched = sequence;
            }
        }

        return first;
    }

    private static string DeterministicCallId(string name, string arguments)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + arguments));
        return "call_" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    private SimulatedAnswer Plan(ChatRequest request)
    {
        var lastUserText = GetLastUserText(request);

        // A tool call: tools offered, not forbidden, and either demanded or asked for with "call:".
        var choice = request.ToolChoice;
        if (request.Tools is { Count: > 0 } tools && choice?.Mode != ToolChoiceMode.None
            && (choice?.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function || lastUserText.StartsWith(CallPrefix, StringComparison.Ordinal)))
        {
            var name = choice?.Mode == ToolChoiceMode.Function && !string.IsNullOrEmpty(choice.FunctionName) ? choice.FunctionName : tools[0].Name;
            var echo = lastUserText.StartsWith(CallPrefix, StringComparison.Ordinal) ? lastUserText[CallPrefix.Length..].Trim() : lastUserText;
            var arguments = EchoJson(echo);
            var call = new ToolCall(DeterministicCallId(name, arguments), name, arguments);
            return new SimulatedAnswer(SimulatedTokenizer.Split(arguments), call, FinishReason.ToolCalls);
        }

        var text = _options.Answer switch
        {
            SimulatedProviderOptions.EchoAnswer => lastUserText,
            SimulatedProviderOptions.LoremAnswer => SimulatedProviderOptions.LoremText,
            var literal => literal,
        };

        if (request.ResponseFormat?.Kind is ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema)
        {
            // answer_tokens does not apply: padding would break the JSON.
            text = EchoJson(text);
        }
        else if (_options.AnswerTokens is { } answerTokens)
        {
            text = string.Concat(PadOrTruncate(text, answerTokens));
        }

        var stopAt = FirstStopIndex(text, request.Stop, out var matched);
        if (stopAt >= 0)
        {
            text = text[..stopAt];
        }

        var pieces = SimulatedTokenizer.Split(text);
        if (request.MaxTokens is { } maxTokens && pieces.Count > maxTokens)
        {
            return new SimulatedAnswer(pieces.GetRange(0, Math.Max(0, maxTokens)), null, FinishReason.Length);
        }

        return new SimulatedAnswer(pieces, null, FinishReason.Stop) { StopSequence = matched };
    }

    private void ThrowIfSimulatedFailure()
    {
        if (_options.ErrorRate <= 0)
        {
            return;
        }

        double roll;
        lock (_randomLock)
        {
            // CA5394: the simulation needs a seedable, injected source, not a secure one.
#pragma warning disable CA5394
            roll = _random.NextDouble();
#pragma warning restore CA5394
        }

        if (roll < _options.ErrorRate)
        {
            Log.SimulatedFailure(_logger, _name, _options.ErrorStatus);
            throw CreateFailure(_options.ErrorStatus);
        }
    }

    private string NextId() =>
        "chatcmpl-sim-" + Interlocked.Increment(ref _requestCount).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>How long after the first token token <paramref name="index"/> is due.</summary>
    private TimeSpan TokenOffset(int index) =>
        _options.TokensPerSecond > 0 && index > 0 ? TimeSpan.FromSeconds(index / _options.TokensPerSecond) : TimeSpan.Zero;

    /// <summary>Waits until token <paramref name="index"/> is due; measured from the start, so waits do not add up drift.</summary>
    private Task PaceAsync(long start, int index, CancellationToken cancellationToken)
    {
        if (_options.TokensPerSecond <= 0)
        {
            return Task.CompletedTask;
        }

        var due = _options.TimeToFirstToken + TokenOffset(index);
        return DelayAsync(due - _time.GetElapsedTime(start), cancellationToken);
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, _time, cancellationToken) : Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Simulated provider '{Provider}' failed a request with status {Status}.")]
        public static partial void SimulatedFailure(ILogger logger, string provider, int status);
    }
}
