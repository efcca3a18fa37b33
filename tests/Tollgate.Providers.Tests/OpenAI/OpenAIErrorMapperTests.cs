using Microsoft.Extensions.Time.Testing;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIErrorMapperTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    [Fact]
    public void ToException_OpenAIErrorBody_KeepsMessageTypeParamAndCode()
    {
        var body = """
            {
              "error": {
                "message": "Invalid type for 'temperature': expected a decimal, but got a string instead.",
                "type": "invalid_request_error",
                "param": "temperature",
                "code": "invalid_type"
              }
            }
            """;

        var ex = OpenAIErrorMapper.ToException(400, OpenAIFixtures.Utf8(body), NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal(ProviderErrorKind.Upstream, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Invalid type for 'temperature': expected a decimal, but got a string instead.", ex.Message);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("temperature", ex.Param);
        Assert.Equal("invalid_type", ex.ErrorCode);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public void ToException_RateLimitWithNullParamAndCode_UsesUpstreamType()
    {
        var body = """{"error":{"message":"Rate limit reached for gpt-4o.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""";

        var ex = OpenAIErrorMapper.ToException(429, OpenAIFixtures.Utf8(body), NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal("Rate limit reached for gpt-4o.", ex.Message);
        Assert.Equal("tokens", ex.ErrorType);
        Assert.Null(ex.Param);
        Assert.Equal("rate_limit_exceeded", ex.ErrorCode);
    }

    [Fact]
    public void ToException_VllmStyleTopLevelError_ReadsMessageTypeAndNumericCode()
    {
        var body = """{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}""";

        var ex = OpenAIErrorMapper.ToException(400, OpenAIFixtures.Utf8(body), NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal("This model's maximum context length is 4096 tokens.", ex.Message);
        Assert.Equal("BadRequestError", ex.ErrorType);
        Assert.Equal("400", ex.ErrorCode);
    }

    [Fact]
    public void ToException_ErrorAsString_UsesItAsMessage()
    {
        var ex = OpenAIErrorMapper.ToException(500, """{"error":"upstream exploded"}"""u8, NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal("upstream exploded", ex.Message);
        Assert.Equal("api_error", ex.ErrorType);
    }

    [Theory]
    [InlineData(502, "api_error")]
    [InlineData(503, "api_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    public void ToException_HtmlBody_FallsBackToGenericMessageAndDefaultType(int status, string expectedType)
    {
        var html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

        var ex = OpenAIErrorMapper.ToException(status, OpenAIFixtures.Utf8(html), NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal($"The upstream answered with status {status}.", ex.Message);
        Assert.Equal(expectedType, ex.ErrorType);
        Assert.Equal(status, ex.StatusCode);
        Assert.Null(ex.ErrorCode);
    }

    [Fact]
    public void ToException_EmptyBody_FallsBackToGenericMessage()
    {
        var ex = OpenAIErrorMapper.ToException(500, [], NoHeaders, new FakeTimeProvider(Now));

        Assert.Equal("The upstream answered with status 500.", ex.Message);
    }

    [Fact]
    public void ToException_RetryAfterSeconds_SetsRetryAfter()
    {
        KeyValuePair<string, string>[] headers = [new("retry-after", "20")];

        var ex = OpenAIErrorMapper.ToException(429, "{}"u8, headers, new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromSeconds(20), ex.RetryAfter);
    }

    [Fact]
    public void ToException_RetryAfterMs_WinsOverRetryAfter()
    {
        KeyValuePair<string, string>[] headers = [new("retry-after", "20"), new("retry-after-ms", "1500")];

        var ex = OpenAIErrorMapper.ToException(429, "{}"u8, headers, new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.RetryAfter);
    }
}
