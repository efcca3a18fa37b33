using Tollgate.Core.Errors;
using Tollgate.Providers;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class AnthropicErrorWriterTests
{
    public static TheoryData<Exception, int, string> Cases => new()
    {
        { GatewayException.InvalidRequest("max_tokens: Field required", "max_tokens"), 400, "invalid_request_error" },
        { GatewayException.Unauthorized("Incorrect API key provided."), 401, "authentication_error" },
        { GatewayException.ModelNotFound("nope"), 404, "not_found_error" },
        { GatewayException.PayloadTooLarge(10), 413, "request_too_large" },
        { new ProviderException(ProviderErrorKind.Upstream, 429, "slow down") { ErrorType = "requests", ErrorCode = "rate_limit_exceeded" }, 429, "rate_limit_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 402, "pay") { ErrorType = "insufficient_quota" }, 402, "billing_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 403, "no") { ErrorType = "permission_error" }, 403, "permission_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 500, "boom") { ErrorType = "server_error" }, 500, "api_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 503, "busy") { ErrorType = "server_error" }, 503, "overloaded_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 529, "Overloaded") { ErrorType = "api_error", ErrorCode = "overloaded_error" }, 529, "overloaded_error" },
        { new ProviderException(ProviderErrorKind.Upstream, 400, "Your credit balance is too low") { ErrorType = "invalid_request_error", ErrorCode = "billing_error" }, 400, "billing_error" },
        { new ProviderException(ProviderErrorKind.Unreachable, 502, "The upstream could not be reached."), 502, "api_error" },
        { new ProviderException(ProviderErrorKind.Timeout, 504, "The upstream did not answer in time."), 504, "timeout_error" },
        { new ProviderException(ProviderErrorKind.InvalidResponse, 502, "bad"), 502, "api_error" },
        { ProviderException.Unsupported("local", "Image input (messages[0])"), 400, "invalid_request_error" },
        { new InvalidOperationException("secret details"), 500, "api_error" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Describe_StatusDecidesAnthropicType(Exception exception, int status, string type)
    {
        var (actualStatus, actualType, message, _) = AnthropicErrorWriter.Describe(exception);

        Assert.Equal((status, type), (actualStatus, actualType));
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UpstreamRejectsGatewayKey_MessageRedacted()
    {
        var exception = new ProviderException(ProviderErrorKind.Upstream, 401, "invalid x-api-key: sk-ant-secret") { ErrorCode = "authentication_error" };

        var (status, type, message, _) = AnthropicErrorWriter.Describe(exception);

        Assert.Equal((401, "authentication_error"), (status, type));
        Assert.DoesNotContain("sk-ant-secret", message, StringComparison.Ordinal);
    }
}
