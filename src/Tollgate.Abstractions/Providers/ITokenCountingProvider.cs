using Tollgate.Chat;

namespace Tollgate.Providers;

/// <summary>
/// Optionally implemented by providers that can count a request's input tokens exactly, the way their model will
/// (an upstream token-counting endpoint or the model's own tokenizer). Without it the gateway answers a conservative
/// local estimate.
/// </summary>
public interface ITokenCountingProvider
{
    /// <summary>The number of input tokens <paramref name="request"/> would use, system prompt and tools included.</summary>
    /// <remarks>Failures throw <see cref="ProviderException"/>, as chat calls do.</remarks>
    Task<long> CountTokensAsync(ChatRequest request, CancellationToken cancellationToken);
}
