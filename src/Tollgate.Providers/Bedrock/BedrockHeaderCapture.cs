using System.Globalization;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// A handler over the provider's invoker that copies the Bedrock response headers <see cref="BedrockResponseHeaders"/>
/// names into the request's capture target, so the provider can read them after <c>UpstreamHttp.SendAsync</c>
/// returns. It adds no buffering: the response is returned once its headers are read. Thread-safe.
/// </summary>
internal sealed class BedrockHeaderCapture(HttpMessageInvoker inner) : HttpMessageHandler
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = inner is HttpClient client
            ? await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            : await inner.SendAsync(request, cancellationToken);
        if (request.Options.TryGetValue(BedrockResponseHeaders.Key, out var target))
        {
            target.ErrorType = First(response, "x-amzn-ErrorType");
            target.RequestId = First(response, "x-amzn-RequestId");
            target.InputTokenCount = long.TryParse(First(response, "X-Amzn-Bedrock-Input-Token-Count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
                ? count
                : null;
        }

        return response;
    }

    private static string? First(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
