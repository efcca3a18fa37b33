using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.Testing.OpenAI;

/// <summary>
/// A validated chat completion request and its deterministic answer. Tokens are whitespace-separated words, so the
/// answer text is its words joined by single spaces.
/// </summary>
internal sealed class FakeOpenAIChatPlan
{
    private const string CallPrefix = "call:";

    private static readonly (string Name, string Expected)[] TypedFields =
    [
        ("temperature", "decimal"), ("top_p", "decimal"), ("presence_penalty", "decimal"), ("frequency_penalty", "decimal"),
        ("max_tokens", "integer"), ("max_completion_tokens", "integer"), ("n", "integer"), ("seed", "integer"), ("top_logprobs", "integer"),
        ("stream", "boolean"), ("logprobs", "boolean"), ("parallel_tool_calls", "boolean"), ("store", "boolean"),
        ("tools", "array"), ("stream_options", "object"), ("response_format", "object"), ("user", "string"),
    ];

    public required string Model { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public int N { get; init; } = 1;

    /// <summary>The answer's words (content chunks), or the tool call's argument fragments.</summary>
    public required IReadOnlyList<string> Words { get; init; }

    public string? ToolCallId { get; init; }

    public string? ToolName { get; init; }

    public string? ToolArguments { get; init; }

    public required string FinishReason { get; init; }

    public int PromptTokens { get; init; }

    public string Content => string.Join(' ', Words);

    public int CompletionTokens => Words.Count * N;

    public static FakeOpenAIChatPlan? Create(JsonElement root, out FakeOpenAIError? error)
    {
        error = Validate(root);
        if (error is not null)
        {
            return null;
        }

        var model = root.GetProperty("model").GetString()!;
        var messages = root.GetProperty("messages");
        var lastUserText = string.Empty;
        var promptTokens = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var text = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) ? ContentText(content) : string.Empty;
            promptTokens += CountWords(text);
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() == "user")
            {
                lastUserText = text;
            }
        }

        var stream = Get(root, "stream")?.ValueKind == JsonValueKind.True;
        var includeUsage = Get(root, "stream_options") is { } options && Get(options, "include_usage")?.ValueKind == JsonValueKind.True;
        var n = Get(root, "n")?.GetInt32() ?? 1;

        // A tool call: tools offered, tool_choice not "none", and either demanded or asked for with "call:".
        var toolChoice = Get(root, "tool_choice");
        var tools = Get(root, "tools");
        var forced = toolChoice is { ValueKind: JsonValueKind.Object } || toolChoice is { ValueKind: JsonValueKind.String } c && c.GetString() == "required";
        var forbidden = toolChoice is { ValueKind: JsonValueKind.String } f && f.GetString() == "none";
        if (tools is { } toolList && toolList.GetArrayLength() > 0 && !forbidden && (forced || lastUserText.StartsWith(CallPrefix, StringComparison.Ordinal)))
        {
            var name = toolChoice is { ValueKind: JsonValueKind.Object } named && Get(named, "function") is { } fn && Get(fn, "name")?.GetString() is { } chosen
                ? chosen
                : Get(toolList[0], "function") is { } first && Get(first, "name")?.GetString() is { } firstName ? firstName : "function";
            var echo = lastUserText.StartsWith(CallPrefix, StringComparison.Ordinal) ? lastUserText[CallPrefix.Length..].Trim() : lastUserText;
            var arguments = JsonSerializer.Serialize(new Dictionary<string, string> { ["echo"] = echo });
            return new FakeOpenAIChatPlan
            {
                Model = model,
                Stream = stream,
                IncludeUsage = includeUsage,
                N = n,
                Words = ArgumentFragments(arguments),
                ToolCallId = "call_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + arguments)).AsSpan(0, 12)),
                ToolName = name,
                ToolArguments = arguments,
                FinishReason = "tool_calls",
                PromptTokens = promptTokens,
            };
        }

        var answer = lastUserText;
        var stopAt = FirstStop(answer, Get(root, "stop"));
        if (stopAt >= 0)
        {
            answer = answer[..stopAt];
        }

        var words = answer.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var finish = "stop";
        var max = Get(root, "max_completion_tokens")?.GetInt32() ?? Get(root, "max_tokens")?.GetInt32();
        if (max is { } limit && words.Length > limit)
        {
            words = words[..Math.Max(0, limit)];
            finish = "length";
        }

        return new FakeOpenAIChatPlan
        {
            Model = model,
            Stream = stream,
            IncludeUsage = includeUsage,
            N = n,
            Words = words,
            FinishReason = finish,
            PromptTokens = promptTokens,
        };
    }

    public static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>A property that is present and not null.</summary>
    public static JsonElement? Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>"a string", "an integer", ... as OpenAI's invalid_type messages name a JSON value.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    public static bool IsKind(JsonElement value, string expected) => expected switch
    {
        "decimal" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        "string" => value.ValueKind == JsonValueKind.String,
        _ => false,
    };

    public static string Article(string kind) => kind is "integer" or "array" or "object" ? "an " + kind : "a " + kind;

    private static FakeOpenAIError? Validate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return FakeOpenAIError.InvalidJson;
        }

        if (Get(root, "model") is not { } model)
        {
            return FakeOpenAIError.MissingModel;
        }

        if (model.ValueKind != JsonValueKind.String)
        {
            return FakeOpenAIError.InvalidType("model", "a string", Describe(model));
        }

        if (Get(root, "messages") is not { } messages)
        {
            return FakeOpenAIError.MissingParameter("messages");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return FakeOpenAIError.InvalidType("messages", "an array", Describe(messages));
        }

        if (messages.GetArrayLength() == 0)
        {
            return new FakeOpenAIError(
                400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "invalid_request_error", "messages", "empty_array");
        }

        foreach (var (name, expected) in TypedFields)
        {
            if (Get(root, name) is { } value && !IsKind(value, expected))
            {
                return FakeOpenAIError.InvalidType(name, Article(expected), Describe(value));
            }
        }

        if (Get(root, "stop") is { } stop && stop.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return FakeOpenAIError.InvalidType("stop", "one of a string or an array", Describe(stop));
        }

        if (Get(root, "n") is { } n && n.GetInt32() < 1)
        {
            return FakeOpenAIError.InvalidValue("n", $"{n.GetInt32()} is less than the minimum of 1 - 'n'");
        }

        return null;
    }

    /// <summary>The text of a message's content: a string, or the concatenated text parts.</summary>
    private static string ContentText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (Get(part, "type")?.GetString() == "text" && Get(part, "text") is { ValueKind: JsonValueKind.String } value)
            {
                if (text.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(value.GetString());
            }
        }

        return text.ToString();
    }

    private static int FirstStop(string text, JsonElement? stop)
    {
        IEnumerable<string?> sequences = stop switch
        {
            { ValueKind: JsonValueKind.String } one => [one.GetString()],
            { ValueKind: JsonValueKind.Array } many => many.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()),
            _ => [],
        };
        var first = -1;
        foreach (var sequence in sequences)
        {
            var index = string.IsNullOrEmpty(sequence) ? -1 : text.IndexOf(sequence, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
            }
        }

        return first;
    }

    /// <summary>Splits the arguments' JSON text into fragments of a few characters, as OpenAI streams them.</summary>
    private static List<string> ArgumentFragments(string arguments)
    {
        var fragments = new List<string>();
        for (var i = 0; i < arguments.Length; i += 4)
        {
            fragments.Add(arguments.Substring(i, Math.Min(4, arguments.Length - i)));
        }

        return fragments;
    }
}
