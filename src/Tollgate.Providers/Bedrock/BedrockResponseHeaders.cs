namespace Tollgate.Providers.Bedrock;

/// <summary>
/// The Bedrock response headers the provider reads, which the shared upstream path does not keep: captured by
/// <see cref="BedrockHeaderCapture"/> into the request's options while the response headers are read.
/// </summary>
internal sealed class BedrockResponseHeaders
{
    /// <summary>The options key under which a request carries its capture target.</summary>
    public static readonly HttpRequestOptionsKey<BedrockResponseHeaders> Key = new("tollgate.bedrock.response-headers");

    /// <summary><c>x-amzn-ErrorType</c>: the error's type on a failed call.</summary>
    public string? ErrorType { get; set; }

    /// <summary><c>x-amzn-RequestId</c>.</summary>
    public string? RequestId { get; set; }

    /// <summary><c>X-Amzn-Bedrock-Input-Token-Count</c>: the input tokens of an InvokeModel call.</summary>
    public long? InputTokenCount { get; set; }
}
