using System.Net;
using System.Net.Http.Headers;
using Tollgate.Core.Configuration;
using Tollgate.Providers;

namespace Tollgate.Core.Http;

/// <summary>
/// Sends one upstream request under a provider's <see cref="UpstreamTimeouts"/> and maps transport failures to
/// <see cref="ProviderException"/>: unreachable 502, any timeout 504. Cancellation by the caller's token (the client
/// went away) is rethrown as <see cref="OperationCanceledException"/>, and the upstream request is aborted with it.
/// </summary>
public static class UpstreamHttp
{
    private static readonly string[] RelayedHeaderNames =
    [
        "retry-after", "retry-after-ms",
        "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
    ];

    /// <summary>
    /// Sends <paramref name="request"/> and returns once the response headers arrive (first-byte timeout). The returned
    /// body enforces the idle timeout between reads and the total timeout over the whole exchange.
    /// </summary>
    public static async Task<UpstreamResponse> SendAsync(
        HttpMessageInvoker client, HttpRequestMessage request, UpstreamTimeouts timeouts, TimeProvider time, CancellationToken cancellationToken)
    {
        // Step 1: one watchdog bounds the exchange: first byte (until the headers), idle (per body read) and total.
        var exchange = new UpstreamExchange(timeouts, time, cancellationToken);
        HttpResponseMessage? response = null;
        try
        {
            try
            {
                // A handler returns once the headers are read; the body streams (no HttpClient buffering in between).
                response = client is HttpClient httpClient
                    ? await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, exchange.Token)
                    : await client.SendAsync(request, exchange.Token);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Not the caller: a watchdog deadline, or the handler's own connect timeout.
                throw Timeout(exchange.ExpiredTimeout ?? "connect", ex);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unreachable(ex);
            }

            exchange.HeadersReceived();

            // Step 2: the body reads under the idle and total timeouts and the caller's token.
            var body = await response.Content.ReadAsStreamAsync(exchange.Token);
            var guarded = new UpstreamBodyStream(body, exchange, cancellationToken);
            return new UpstreamResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), guarded, new ExchangeOwner(response, exchange))
            {
                RelayedHeaders = CollectRelayedHeaders(response),
                ContentLength = response.Content.Headers.ContentLength,
            };
        }
        catch
        {
            response?.Dispose();
            await exchange.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads the whole body of a non-streamed response under the same timeouts, mapping failures like <see cref="SendAsync"/>.</summary>
    public static async Task<byte[]> ReadBodyAsync(UpstreamResponse response, CancellationToken cancellationToken)
    {
        // A declared length (the usual case) is read straight into an array of that size.
        if (response.ContentLength is { } length and >= 0 and <= int.MaxValue)
        {
            var exact = new byte[length];
            var read = 0;
            while (read < exact.Length)
            {
                var n = await response.Body.ReadAsync(exact.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    return exact[..read];
                }

                read += n;
            }

            return exact;
        }

        using var buffer = new MemoryStream();
        await response.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Parses Retry-After (seconds or HTTP date) and retry-after-ms from relayed headers.</summary>
    public static TimeSpan? ParseRetryAfter(IReadOnlyList<KeyValuePair<string, string>> headers, TimeProvider time)
    {
        foreach (var (name, value) in headers)
        {
            if (name.Equals("retry-after-ms", StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            {
                return TimeSpan.FromMilliseconds(ms);
            }
        }

        foreach (var (name, value) in headers)
        {
            if (!name.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - time.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    internal static ProviderException Timeout(string which, Exception? inner) =>
        new(ProviderErrorKind.Timeout, (int)HttpStatusCode.GatewayTimeout, $"The upstream did not answer in time ({which} timeout).", inner)
        {
            ErrorType = "timeout_error",
            ErrorCode = "upstream_timeout",
        };

    internal static ProviderException Unreachable(Exception inner) =>
        new(ProviderErrorKind.Unreachable, (int)HttpStatusCode.BadGateway, "The upstream could not be reached.", inner)
        {
            ErrorType = "api_connection_error",
            ErrorCode = "upstream_unreachable",
        };

    private static KeyValuePair<string, string>[] CollectRelayedHeaders(HttpResponseMessage response)
    {
        List<KeyValuePair<string, string>>? relayed = null;
        foreach (var name in RelayedHeaderNames)
        {
            if (TryGet(response.Headers, name, out var value))
            {
                (relayed ??= []).Add(new(name, value));
            }
        }

        return relayed is null ? [] : [.. relayed];
    }

    private static bool TryGet(HttpResponseHeaders headers, string name, out string value)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var v in values)
            {
                value = v;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    private sealed class ExchangeOwner(HttpResponseMessage response, UpstreamExchange exchange) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return exchange.DisposeAsync();
        }
    }
}
