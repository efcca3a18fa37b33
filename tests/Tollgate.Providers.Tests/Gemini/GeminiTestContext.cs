using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers.Gemini;

namespace Tollgate.Providers.Tests.Gemini;

/// <summary>Builds <c>gemini</c> and <c>vertex</c> providers the way the gateway does, through their factories.</summary>
internal static class GeminiTestContext
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static ProviderContext Context(HttpMessageInvoker http, TimeProvider? time = null, IReadOnlyDictionary<string, string>? environment = null, string? configDirectory = null) =>
        new(http, time ?? TimeProvider.System, new Random(1), NullLoggerFactory.Instance)
        {
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            ConfigDirectory = configDirectory,
        };

    public static ProviderConfig Config(string name, string type, string? baseUrl, string? apiKey = null, params (string Key, string Value)[] settings) => new()
    {
        Name = name,
        Type = type,
        BaseUrl = baseUrl,
        ApiKey = apiKey,
        Settings = settings.ToDictionary(s => s.Key, s => ConfigValue.FromScalar(s.Value), StringComparer.Ordinal),
    };

    public static IChatProvider GeminiProvider(HttpMessageInvoker http, string baseUrl, string? apiKey = "gm-test-key", IReadOnlyDictionary<string, string>? environment = null, params (string Key, string Value)[] settings) =>
        new GeminiChatProviderFactory().Create(Config("google", "gemini", baseUrl, apiKey, settings), Context(http, environment: environment));

    public static ChatRequest Request(string model, string text, Action<ChatRequest>? configure = null)
    {
        var request = new ChatRequest { Model = model, Messages = [ChatMessage.FromText(ChatRole.User, text)] };
        configure?.Invoke(request);
        return request;
    }

    public static async Task<List<ChatStreamUpdate>> CollectAsync(IAsyncEnumerable<ChatStreamUpdate> stream)
    {
        var updates = new List<ChatStreamUpdate>();
        await foreach (var update in stream.WithCancellation(CancellationToken.None))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>Assembles streamed updates of choice 0 into the assistant message a client would keep in its history.</summary>
    public static ChatMessage Assemble(IEnumerable<ChatStreamUpdate> updates)
    {
        var parts = new List<ContentPart>();
        var calls = new List<ToolCall>();
        var thinking = new System.Text.StringBuilder();
        var text = new System.Text.StringBuilder();
        foreach (var update in updates.Where(u => u.ChoiceIndex == 0))
        {
            if (update.ThinkingDelta is { } delta)
            {
                thinking.Append(delta);
            }

            if (update.ThinkingSignature is { } signature)
            {
                FlushText(parts, text);
                parts.Add(new ThinkingPart(thinking.ToString(), signature) { SignatureFamily = update.SignatureFamily });
                thinking.Clear();
            }

            if (update.TextDelta is { } textDelta)
            {
                text.Append(textDelta);
            }

            foreach (var call in update.ToolCalls ?? [])
            {
                calls.Add(new ToolCall(call.Id!, call.Name!, call.ArgumentsDelta ?? "{}") { Signature = call.Signature, SignatureFamily = call.SignatureFamily });
            }
        }

        if (thinking.Length > 0)
        {
            parts.Insert(0, new ThinkingPart(thinking.ToString()));
        }

        FlushText(parts, text);
        return new ChatMessage(ChatRole.Assistant, parts) { ToolCalls = calls.Count > 0 ? calls : null };
    }

    private static void FlushText(List<ContentPart> parts, System.Text.StringBuilder text)
    {
        if (text.Length > 0)
        {
            parts.Add(new TextPart(text.ToString()));
            text.Clear();
        }
    }
}
