namespace Tollgate.Core.Errors;

/// <summary>
/// A request the gateway itself refuses. Each client surface writes it in its own error shape with
/// <see cref="StatusCode"/>. Messages are for the client: they never contain a secret.
/// </summary>
public sealed class GatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GatewayException(int statusCode, string errorType, string message, string? code = null, string? param = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        Code = code;
        Param = param;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The error type in OpenAI's vocabulary.</summary>
    public string ErrorType { get; }

    /// <summary>A machine-readable code.</summary>
    public string? Code { get; }

    /// <summary>The request field at fault.</summary>
    public string? Param { get; }

    /// <summary>Extra response headers to send with the error (rate-limit state, Retry-After), in the caller's API's names.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>400 for a malformed or invalid request field.</summary>
    public static GatewayException InvalidRequest(string message, string? param = null, string? code = null) =>
        new(400, "invalid_request_error", message, code, param);

    /// <summary>401 for a missing or wrong key.</summary>
    public static GatewayException Unauthorized(string message) =>
        new(401, "authentication_error", message, "invalid_api_key");

    /// <summary>404 for a model name the config does not define.</summary>
    public static GatewayException ModelNotFound(string model) =>
        new(404, "invalid_request_error", $"The model '{model}' does not exist or you do not have access to it.", "model_not_found", "model");

    /// <summary>413 for a body over the limit.</summary>
    public static GatewayException PayloadTooLarge(long limit) =>
        new(413, "invalid_request_error", $"The request body exceeds the limit of {limit} bytes.", "request_too_large");
}
