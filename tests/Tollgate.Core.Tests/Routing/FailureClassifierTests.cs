using Tollgate.Core.Routing;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Routing;

public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData(408, FailureClass.Retryable)]
    [InlineData(429, FailureClass.RateLimited)]
    [InlineData(500, FailureClass.Retryable)]
    [InlineData(502, FailureClass.Retryable)]
    [InlineData(503, FailureClass.Retryable)]
    [InlineData(504, FailureClass.Retryable)]
    [InlineData(529, FailureClass.Retryable)]
    [InlineData(400, FailureClass.Fatal)]
    [InlineData(401, FailureClass.Fatal)]
    [InlineData(403, FailureClass.Fatal)]
    [InlineData(404, FailureClass.Fatal)]
    [InlineData(422, FailureClass.Fatal)]
    [InlineData(501, FailureClass.Fatal)]
    public void Classify_UpstreamStatus_IsRetryableOnlyForTheListedOnes(int status, FailureClass expected)
    {
        Assert.Equal(expected, FailureClassifier.Classify(new ProviderException(ProviderErrorKind.Upstream, status, "upstream said no")));
    }

    [Theory]
    [InlineData(ProviderErrorKind.Unreachable)]
    [InlineData(ProviderErrorKind.Timeout)]
    [InlineData(ProviderErrorKind.InvalidResponse)]
    public void Classify_TransportFailure_IsRetryable(ProviderErrorKind kind)
    {
        Assert.Equal(FailureClass.Retryable, FailureClassifier.Classify(new ProviderException(kind, 502, "gone")));
    }

    [Fact]
    public void Classify_ContextLengthCodeOrMessage_IsContextWindow()
    {
        Assert.Equal(FailureClass.ContextWindow, FailureClassifier.Classify(new ProviderException(ProviderErrorKind.Upstream, 400, "too long") { ErrorCode = "context_length_exceeded" }));
        Assert.Equal(FailureClass.ContextWindow, FailureClassifier.Classify(new ProviderException(ProviderErrorKind.Upstream, 400, "prompt is too long: 210000 tokens > 200000 maximum")));
    }

    [Fact]
    public void Classify_ContentFilter_IsContentPolicy()
    {
        Assert.Equal(FailureClass.ContentPolicy, FailureClassifier.Classify(new ProviderException(ProviderErrorKind.Upstream, 400, "filtered") { ErrorCode = "content_filter" }));
    }

    [Fact]
    public void Classify_UnsupportedOrGatewayRefusal_IsFatal()
    {
        Assert.Equal(FailureClass.Fatal, FailureClassifier.Classify(ProviderException.Unsupported("p", "Embeddings")));
        Assert.Equal(FailureClass.Fatal, FailureClassifier.Classify(Errors.GatewayException.InvalidRequest("bad")));
        Assert.Equal(FailureClass.Retryable, FailureClassifier.Classify(new HttpRequestException("refused")));
    }
}
