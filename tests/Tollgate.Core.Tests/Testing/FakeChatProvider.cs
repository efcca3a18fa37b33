using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Embeddings;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Testing;

/// <summary>A provider that only remembers the config it was made from; the pipeline tests never call it.</summary>
internal sealed class FakeChatProvider(ProviderConfig config) : IChatProvider
{
    public ProviderConfig Config => config;

    public ProviderCapabilities Capabilities { get; } = new() { NativeFormat = WireFormat.OpenAI };

    public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<ChatStreamUpdate> StreamAsync(ChatRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
}
