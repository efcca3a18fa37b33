using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// Writes errors in Anthropic's shape (https://docs.claude.com/en/api/errors):
/// <c>{"type":"error","error":{"type","message"},"request_id"}</c>, or an <c>error</c> event once a stream has started.
/// </summary>
/// <remarks>
/// The status decides the type, as Anthropic documents them: 400 <c>invalid_request_error</c> (and other 4xx),
/// 401 <c>authentication_error</c>, 402 <c>billing_error</c>, 403 <c>permission_error</c>, 404 <c>not_found_error</c>, 413
/// <c>request_too_large</c>, 429 <c>rate_limit_error</c>, 500 and 502 <c>api_error</c>, 503 and 529
/// <c>overloaded_error</c>, 504 <c>timeout_error</c>. An Anthropic upstream's own type (kept in
/// <see cref="ProviderException.ErrorCode"/>) wins when it is one of Anthropic's, so pass-through errors such as
/// <c>billing_error</c> reach the client as sent. Messages are the same redacted ones the OpenAI surface gives: an
/// upstream's refusal of the gateway's own key is never relayed.
/// </remarks>
internal static class AnthropicErrorWriter
{
    private static readonly HashSet<string> AnthropicTypes = new(StringComparer.Ordinal)
    {
        "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error",
        "request_too_large", "rate_limit_error", "api_error", "timeout_error", "overloaded_error",
    };

    public static Task WriteAsync(HttpContext http, Exception exception)
    {
        var (status, type, message, retryAfter) = Describe(exception);
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (status == StatusCodes.Status413PayloadTooLarge && !HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            // The rest of an oversized body is never read, so Kestrel closes the HTTP/1.x connection after this answer.
            response.Headers.Connection = "close";
        }

        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (exception is Core.Errors.GatewayException { Headers.Count: > 0 } gateway)
        {
            foreach (var (name, value) in gateway.Headers)
            {
                response.Headers[name] = value;
            }
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteString("request_id", http.TraceIdentifier);
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>Writes the error as an <c>event: error</c>, for failures after a stream has started.</summary>
    public static async Task WriteStreamEventAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (_, type, message, _) = Describe(exception);
        var buffer = new ArrayBufferWriter<byte>(256);
        AnthropicStreamWriter.WriteError(buffer, type, message);
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    public static (int Status, string Type, string Message, TimeSpan? RetryAfter) Describe(Exception exception)
    {
        var (status, _, message, code, _, retryAfter) = OpenAIErrorWriter.Describe(exception);
        var type = exception is ProviderException { Kind: ProviderErrorKind.Upstream } && code is not null && AnthropicTypes.Contains(code) && status is not (401 or 403)
            ? code
            : TypeFor(status);
        return (status, type, message, retryAfter);
    }

    /// <summary>The Anthropic error type for a status.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "api_error",
    };
}
