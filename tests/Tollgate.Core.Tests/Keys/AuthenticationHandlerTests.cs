using Tollgate.Core.Errors;
using Tollgate.Core.Keys;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Keys;

public sealed class AuthenticationHandlerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(null, "Missing API key")]
    [InlineData("sk-wrong", "Incorrect API key")]
    public async Task InvokeAsync_UnknownKey_Throws401AndSkipsTheRest(string? key, string messageStart)
    {
        var handler = new AuthenticationHandler(new FixedAuthenticator(null));
        var called = false;

        var ex = await Assert.ThrowsAsync<GatewayException>(() => handler.InvokeAsync(TestGateway.Context(key: key), _ =>
        {
            called = true;
            return Task.CompletedTask;
        }).WaitAsync(TestTimeout));

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("authentication_error", ex.ErrorType);
        Assert.Equal("invalid_api_key", ex.Code);
        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
        Assert.False(called);
    }

    [Fact]
    public async Task InvokeAsync_KnownKey_SetsCallerAndCallsNext()
    {
        var identity = new CallerIdentity("key_1", IsAdmin: false);
        var handler = new AuthenticationHandler(new FixedAuthenticator(identity));
        var context = TestGateway.Context(key: "sk-good");
        CallerIdentity? seen = null;

        await handler.InvokeAsync(context, c =>
        {
            seen = c.Caller;
            return Task.CompletedTask;
        }).WaitAsync(TestTimeout);

        Assert.Same(identity, seen);
        Assert.Same(identity, context.Caller);
    }

    private sealed class FixedAuthenticator(CallerIdentity? identity) : IRequestAuthenticator
    {
        public ValueTask<CallerIdentity?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken) => ValueTask.FromResult(identity);
    }
}
