using Microsoft.Extensions.Logging;

namespace Tollgate.Core.Providers;

/// <summary>What a provider gets from the host.</summary>
/// <param name="HttpClient">A client over the provider's own pooled <see cref="System.Net.Http.SocketsHttpHandler"/>, made by IHttpClientFactory with the provider's connect timeout. Its own Timeout is infinite: <see cref="Http.UpstreamHttp"/> applies the others.</param>
/// <param name="Time">The clock.</param>
/// <param name="Random">The randomness source (simulated latency and errors).</param>
/// <param name="LoggerFactory">For the provider's logs.</param>
public sealed record ProviderContext(HttpClient HttpClient, TimeProvider Time, Random Random, ILoggerFactory LoggerFactory);
