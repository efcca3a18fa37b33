namespace Tollgate.Providers;

/// <summary>
/// Implemented by providers whose upstream speaks a client format (<see cref="ProviderCapabilities.NativeFormat"/>):
/// the gateway forwards the client's JSON with only the model name rewritten and relays the answer's bytes.
/// </summary>
public interface IPassthroughChatProvider
{
    /// <summary>Sends the request body as it is and returns the upstream's response, headers read, body unread.</summary>
    /// <remarks>
    /// Non-success statuses are returned, not thrown, so their bodies reach the client unchanged. Connection
    /// failures and timeouts throw <see cref="ProviderException"/>. The returned body enforces the provider's
    /// idle-between-chunks timeout.
    /// </remarks>
    Task<UpstreamResponse> SendAsync(PassthroughRequest request, CancellationToken cancellationToken);
}
