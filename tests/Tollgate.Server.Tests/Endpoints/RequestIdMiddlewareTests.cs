using Microsoft.AspNetCore.Http;
using Tollgate.Server.Endpoints;

namespace Tollgate.Server.Tests.Endpoints;

public sealed class RequestIdMiddlewareTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task InvokeAsync_SaneIncomingId_IsEchoedAsClientIdButNeverUsedAsTheRequestId()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-request-id"] = "client-123_ABC";

        var seen = await InvokeAsync(context);

        Assert.Matches("^req_[0-9a-f]{32}$", seen);
        Assert.Equal(seen, context.Response.Headers["x-request-id"].ToString());
        Assert.Equal("client-123_ABC", context.Response.Headers["x-client-request-id"].ToString());
    }

    [Fact]
    public async Task InvokeAsync_ClientRequestIdHeader_WinsOverXRequestId()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-client-request-id"] = "mine";
        context.Request.Headers["x-request-id"] = "other";

        await InvokeAsync(context);

        Assert.Equal("mine", context.Response.Headers["x-client-request-id"].ToString());
    }

    [Fact]
    public async Task InvokeAsync_ManyRequests_IdsAreTimeOrdered()
    {
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await InvokeAsync(new DefaultHttpContext()));
        }

        // Version-7 UUIDs lead with a 48-bit millisecond timestamp: the first 12 hex digits after "req_".
        var stamps = ids.Select(id => id.Substring(4, 12)).ToList();
        Assert.Equal(stamps.Order(StringComparer.Ordinal), stamps);
    }

    [Fact]
    public async Task InvokeAsync_NoIncomingId_GeneratesOne()
    {
        var context = new DefaultHttpContext();

        var seen = await InvokeAsync(context);

        Assert.Matches("^req_[0-9a-f]{32}$", seen);
        Assert.Equal(seen, context.Response.Headers["x-request-id"].ToString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public async Task InvokeAsync_InsaneIncomingId_IsReplaced(string incoming)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-request-id"] = incoming;

        var seen = await InvokeAsync(context);

        Assert.Matches("^req_[0-9a-f]{32}$", seen);
    }

    [Fact]
    public async Task InvokeAsync_IdLongerThan128_IsNotEchoedButExactly128Is()
    {
        var tooLong = new DefaultHttpContext();
        tooLong.Request.Headers["x-request-id"] = new string('a', 129);
        var atLimit = new DefaultHttpContext();
        atLimit.Request.Headers["x-request-id"] = new string('a', 128);

        await InvokeAsync(tooLong);
        await InvokeAsync(atLimit);

        Assert.False(tooLong.Response.Headers.ContainsKey("x-client-request-id"));
        Assert.Equal(new string('a', 128), atLimit.Response.Headers["x-client-request-id"].ToString());
    }

    [Fact]
    public async Task InvokeAsync_TwoIncomingIds_IsReplaced()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-request-id"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);

        Assert.StartsWith("req_", await InvokeAsync(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_TwoRequests_GetDifferentIds()
    {
        Assert.NotEqual(await InvokeAsync(new DefaultHttpContext()), await InvokeAsync(new DefaultHttpContext()));
    }

    private static async Task<string> InvokeAsync(HttpContext context)
    {
        string? seen = null;
        var middleware = new RequestIdMiddleware(c =>
        {
            seen = c.TraceIdentifier;
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context).WaitAsync(TestTimeout);

        Assert.NotNull(seen);
        return seen;
    }
}
