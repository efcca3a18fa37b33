namespace Tollgate.Providers;

/// <summary>A provider call failed. Carries what the client's error response needs, never a secret.</summary>
public sealed class ProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderException(ProviderErrorKind kind, int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>The failure class.</summary>
    public ProviderErrorKind Kind { get; }

    /// <summary>The HTTP status the client receives.</summary>
    public int StatusCode { get; }

    /// <summary>
    /// The error type in OpenAI's vocabulary (<c>invalid_request_error</c>, <c>rate_limit_error</c>, ...),
    /// translated from the upstream's own when they differ.
    /// </summary>
    public string? ErrorType { get; init; }

    /// <summary>The upstream's error code, when given.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The request field the error is about, when known.</summary>
    public string? Param { get; init; }

    /// <summary>How long the upstream asked clients to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Creates a 400 for a feature the provider cannot express.</summary>
    public static ProviderException Unsupported(string providerName, string feature) =>
        new(ProviderErrorKind.Unsupported, 400, $"{feature} is not supported by provider '{providerName}'.")
        {
            ErrorType = "invalid_request_error",
            ErrorCode = "unsupported_feature",
        };
}
