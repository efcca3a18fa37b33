using System.Globalization;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Tollgate.Core.Configuration;

namespace Tollgate.Core.Http;

/// <summary>
/// Hands each provider an invoker over its own pooled <see cref="SocketsHttpHandler"/>, made by IHttpClientFactory's
/// handler factory. The name carries the provider name and connect timeout, so a reload that changes them gets a fresh
/// handler. A bare <see cref="HttpMessageInvoker"/> rather than an HttpClient: the request path needs none of
/// HttpClient's extras (base address, default headers, its own timeout and cancellation source per request).
/// </summary>
public sealed class ProviderHttpClients(IHttpMessageHandlerFactory factory)
{
    internal const string NamePrefix = "tollgate-provider:";

    /// <summary>Creates the invoker for <paramref name="config"/>. It applies no timeout: <see cref="UpstreamHttp"/> applies the provider's.</summary>
    public HttpMessageInvoker Create(ProviderConfig config)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{NamePrefix}{(long)config.Timeouts.Connect.TotalMilliseconds}:{config.Name}");

        // The factory owns the handler's lifetime (infinite for these names), so the invoker must not dispose it.
        return new HttpMessageInvoker(factory.CreateHandler(name), disposeHandler: false);
    }

    /// <summary>Configures the primary handler of every provider client from its name. Register as IConfigureOptions    /// <summary>Configures the primary handler of every provider client from its name.</summary>lt;HttpClientFactoryOptions    /// <summary>Configures the primary handler of every provider client from its name.</summary>gt;.</summary>
    public sealed class HandlerOptions : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            if (name is null || !name.StartsWith(NamePrefix, StringComparison.Ordinal))
            {
                return;
            }

            var rest = name.AsSpan(NamePrefix.Length);
            var colon = rest.IndexOf(':');
            var connectMs = long.Parse(rest[..colon], CultureInfo.InvariantCulture);

            // One handler per provider for the process's life; PooledConnectionLifetime re-resolves DNS instead of rotation.
            options.HandlerLifetime = Timeout.InfiniteTimeSpan;
            options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromMilliseconds(connectMs),
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
                MaxConnectionsPerServer = int.MaxValue,
                EnableMultipleHttp2Connections = true,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            });
        }
    }
}
