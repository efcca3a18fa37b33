using Tollgate.Chat;
using Tollgate.Embeddings;

namespace Tollgate.Providers;

/// <summary>
/// An adapter to one upstream, configured under one name in the config file. Implementations are
/// thread-safe and live as long as the config version that created them.
/// </summary>
/// <remarks>
/// Failures are reported as <see cref="ProviderException"/>; cancellation through the token (the client went
/// away) surfaces as <see cref="OperationCanceledException"/> and must abort the upstream request at once.
/// </remarks>
public interface IChatProvider
{
    /// <summary>What this provider can express; the gateway refuses requests that need more.</summary>
    ProviderCapabilities Capabilities { get; }

    /// <summary>Sends a chat request and returns the whole answer.</summary>
    Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken);

    /// <summary>Sends a chat request and yields the answer as it is generated, ending with a usage update when the upstream reports usage.</summary>
    IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, CancellationToken cancellationToken);

    /// <summary>Embeds texts. Providers without <see cref="ProviderCapabilities.Embeddings"/> throw <see cref="ProviderException"/> with <see cref="ProviderErrorKind.Unsupported"/>.</summary>
    Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken);
}
