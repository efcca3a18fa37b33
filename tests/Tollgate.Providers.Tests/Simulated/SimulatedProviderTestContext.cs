using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers.Simulated;

namespace Tollgate.Providers.Tests.Simulated;

/// <summary>Builds simulated providers and requests for the tests.</summary>
internal static class SimulatedProviderTestContext
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

#pragma warning disable RS0030 // tests own their client; the simulated provider never uses it
    private static readonly HttpClient Client = new();
#pragma warning restore RS0030

    public static IChatProvider Create(TimeProvider? time = null, Random? random = null, params (string Key, string Value)[] settings)
    {
        var config = new ProviderConfig
        {
            Name = "sim",
            Type = "simulated",
            Settings = settings.ToDictionary(s => s.Key, s => ConfigValue.FromScalar(s.Value)),
        };
        return new SimulatedChatProviderFactory().Create(
            config, new ProviderContext(Client, time ?? new FakeTimeProvider(), random ?? new Random(42), NullLoggerFactory.Instance));
    }

    public static IChatProvider Create(params (string Key, string Value)[] settings) => Create(null, null, settings);

    public static ChatRequest Request(string userText, Action<ChatRequest>? configure = null)
    {
        var request = new ChatRequest
        {
            Model = "sim-model",
            Messages = [ChatMessage.FromText(ChatRole.System, "Be brief."), ChatMessage.FromText(ChatRole.User, userText)],
        };
        configure?.Invoke(request);
        return request;
    }

    public static async Task<List<ChatStreamUpdate>> CollectAsync(IAsyncEnumerable<ChatStreamUpdate> stream, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatStreamUpdate>();
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }
}
