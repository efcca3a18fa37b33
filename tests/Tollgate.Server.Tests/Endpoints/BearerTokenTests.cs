using Microsoft.AspNetCore.Http;
using Tollgate.Server.Endpoints;

namespace Tollgate.Server.Tests.Endpoints;

public sealed class BearerTokenTests
{
    [Theory]
    [InlineData("Bearer sk-abc", "sk-abc")]
    [InlineData("bearer sk-abc", "sk-abc")]
    [InlineData("BEARER   sk-abc  ", "sk-abc")]
    [InlineData("Bearer ", null)]
    [InlineData("Bearer    ", null)]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("sk-abc", null)]
    public void Read_AuthorizationHeader_ReturnsBearerKey(string header, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = header;

        Assert.Equal(expected, BearerToken.Read(context.Request));
    }

    [Fact]
    public void Read_XApiKeyOnly_ReturnsIt()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-api-key"] = "sk-ant-abc";

        Assert.Equal("sk-ant-abc", BearerToken.Read(context.Request));
    }

    [Fact]
    public void Read_BothHeaders_PrefersAuthorization()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer sk-bearer";
        context.Request.Headers["x-api-key"] = "sk-header";

        Assert.Equal("sk-bearer", BearerToken.Read(context.Request));
    }

    [Fact]
    public void Read_NonBearerAuthorizationWithXApiKey_FallsBackToXApiKey()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Basic dXNlcjpwYXNz";
        context.Request.Headers["x-api-key"] = "sk-header";

        Assert.Equal("sk-header", BearerToken.Read(context.Request));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Read_BlankXApiKey_ReturnsNull(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-api-key"] = value;

        Assert.Null(BearerToken.Read(context.Request));
    }

    [Fact]
    public void Read_NoHeaders_ReturnsNull()
    {
        Assert.Null(BearerToken.Read(new DefaultHttpContext().Request));
    }
}
