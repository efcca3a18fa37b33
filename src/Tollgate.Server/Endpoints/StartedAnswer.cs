using Tollgate.Chat;
using Tollgate.Core.Routing;
using Tollgate.Providers;

namespace Tollgate.Server.Endpoints;

/// <summary>
/// What a chat attempt holds once it has started answering, before anything reaches the client: the upstream's
/// primed response on the byte pass-through, or a primed provider and the translated request otherwise.
/// </summary>
internal sealed class StartedAnswer : IAsyncDisposable
{
    public StartedAnswer(UpstreamResponse upstream, bool hideUsageChunk)
    {
        Upstream = upstream;
        HideUsageChunk = hideUsageChunk;
    }

    public StartedAnswer(PrimedChatProvider translated, ChatRequest request)
    {
        Translated = translated;
        Request = request;
    }

    /// <summary>The pass-through's upstream response, or <see langword="null"/>.</summary>
    public UpstreamResponse? Upstream { get; }

    /// <summary>Whether the pass-through injected <c>stream_options.include_usage</c>, so the usage chunk is kept from the client.</summary>
    public bool HideUsageChunk { get; }

    /// <summary>The translated answer, or <see langword="null"/>.</summary>
    public PrimedChatProvider? Translated { get; }

    /// <summary>The translated request, or <see langword="null"/>.</summary>
    public ChatRequest? Request { get; }

    public async ValueTask DisposeAsync()
    {
        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }

        if (Translated is not null)
        {
            await Translated.DisposeAsync();
        }
    }
}
