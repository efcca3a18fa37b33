using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tollgate.Core.Errors;
using Tollgate.Providers;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>Writes errors in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrorWriter
{
    public static Task WriteAsync(HttpContext http, Exception exception)
    {
        var (status, type, message, code, param, retryAfter) = Describe(exception);
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (status == StatusCodes.Status413PayloadTooLarge && !HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            // The rest of an oversized body is never read, so Kestrel closes the HTTP/1.x connection after this
            // answer; saying so keeps a keep-alive client from sending its next request down a closing connection.
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

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            WriteBody(writer, type, message, code, param);
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>Writes the error as one SSE event, for failures after a stream has started.</summary>
    public static async Task WriteStreamEventAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (_, type, message, code, param, _) = Describe(exception);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            WriteBody(writer, type, message, code, param);
        }

        buffer.Write("\n\n"u8);
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    public static (int Status, string Type, string Message, string? Code, string? Param, TimeSpan? RetryAfter) Describe(Exception exception) => exception switch
    {
        GatewayException g => (g.StatusCode, g.ErrorType, g.Message, g.Code, g.Param, null),
        // An upstream that rejects the gateway's own credentials may quote part of the provider key: never relay that text.
        ProviderException { Kind: ProviderErrorKind.Upstream, StatusCode: 401 or 403 } p =>
            (p.StatusCode, p.ErrorType ?? "authentication_error", $"The upstream provider refused the gateway's credentials (status {p.StatusCode}). Ask the gateway's operator to check the provider key.", "upstream_authentication_failed", null, null),
        ProviderException p => (p.StatusCode, p.ErrorType ?? "api_error", p.Message, p.ErrorCode, p.Param, p.RetryAfter),
        BadHttpRequestException { StatusCode: 413 } => (413, "invalid_request_error", "The request body is too large.", "request_too_large", null, null),
        BadHttpRequestException b => (b.StatusCode, "invalid_request_error", "The request could not be read.", null, null, null),
        _ => (500, "api_error", "The gateway failed to handle the request.", "internal_error", null, null),
    };

    private static void WriteBody(Utf8JsonWriter writer, string type, string message, string? code, string? param)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        WriteNullable(writer, "param", param);
        WriteNullable(writer, "code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
