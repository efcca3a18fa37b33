using System.Runtime.CompilerServices;
using Tollgate.Chat;
using Tollgate.Embeddings;
using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>
/// A provider whose answer to one request has already begun: the whole answer (<see cref="StartCompleteAsync"/>) or a
/// stream whose first update is in hand (<see cref="StartStreamAsync"/>). It lets a translated attempt run to its first
/// token, where failover ends, before the surface's writer (which calls a provider) takes over. Single use.
/// </summary>
public sealed class PrimedChatProvider : IChatProvider, IAsyncDisposable
{
    private readonly ChatResponse? _response;
    private readonly IAsyncEnumerator<ChatStreamUpdate>? _updates;
    private readonly bool _hasFirst;
    private readonly RouteAttempt _attempt;

    private PrimedChatProvider(ProviderCapabilities capabilities, ChatResponse? response, IAsyncEnumerator<ChatStreamUpdate>? updates, bool hasFirst, RouteAttempt attempt)
    {
        Capabilities = capabilities;
        _response = response;
        _updates = updates;
        _hasFirst = hasFirst;
        _attempt = attempt;
    }

    /// <inheritdoc/>
    public ProviderCapabilities Capabilities { get; }

    /// <summary>Runs <paramref name="request"/> on <paramref name="provider"/> to the whole answer under the attempt's token.</summary>
    public static async Task<PrimedChatProvider> StartCompleteAsync(IChatProvider provider, ChatRequest request, RouteAttempt attempt)
    {
        var response = await provider.CompleteAsync(request, attempt.Token);
        return new PrimedChatProvider(provider.Capabilities, response, null, hasFirst: false, attempt);
    }

    /// <summary>Starts streaming <paramref name="request"/> on <paramref name="provider"/> and waits for its first update, under the attempt's token.</summary>
    public static async Task<PrimedChatProvider> StartStreamAsync(IChatProvider provider, ChatRequest request, RouteAttempt attempt)
    {
        var updates = provider.StreamAsync(request, attempt.Token).GetAsyncEnumerator(attempt.Token);
        try
        {
            var hasFirst = await updates.MoveNextAsync();
            return new PrimedChatProvider(provider.Capabilities, null, updates, hasFirst, attempt);
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken) =>
        _response is { } response ? Task.FromResult(response) : throw new InvalidOperationException("This attempt streamed.");

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = _updates ?? throw new InvalidOperationException("This attempt did not stream.");
        if (!_hasFirst)
        {
            yield break;
        }

        yield return updates.Current;
        while (await updates.MoveNextAsync())
        {
            _attempt.MarkProgress();
            yield return updates.Current;
        }
    }

    /// <inheritdoc/>
    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A primed chat answer embeds nothing.");

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _updates?.DisposeAsync() ?? ValueTask.CompletedTask;
}
