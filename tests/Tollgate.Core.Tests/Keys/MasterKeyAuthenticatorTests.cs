using Tollgate.Core.Keys;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Keys;

public sealed class MasterKeyAuthenticatorTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AuthenticateAsync_MasterKey_ReturnsAdminCaller()
    {
        var authenticator = Create("sk-master");

        var caller = await authenticator.AuthenticateAsync("sk-master", CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(new CallerIdentity("master", IsAdmin: true), caller);
    }

    [Theory]
    [InlineData("sk-other")]
    [InlineData("sk-maste")]
    [InlineData("SK-MASTER")]
    [InlineData("")]
    [InlineData(null)]
    public async Task AuthenticateAsync_OtherKey_ReturnsNull(string? key)
    {
        var authenticator = Create("sk-master");

        var caller = await authenticator.AuthenticateAsync(key, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Null(caller);
    }

    [Fact]
    public async Task AuthenticateAsync_AfterReloadWithNewKey_OnlyNewKeyWorks()
    {
        var state = TestGateway.CreateState();
        state.Apply(TestGateway.EmptyConfig(), "sk-old");
        var authenticator = new MasterKeyAuthenticator(state);

        state.Apply(TestGateway.EmptyConfig(), "sk-new");

        Assert.Null(await authenticator.AuthenticateAsync("sk-old", CancellationToken.None).AsTask().WaitAsync(TestTimeout));
        Assert.NotNull(await authenticator.AuthenticateAsync("sk-new", CancellationToken.None).AsTask().WaitAsync(TestTimeout));
    }

    private static MasterKeyAuthenticator Create(string masterKey)
    {
        var state = TestGateway.CreateState();
        state.Apply(TestGateway.EmptyConfig(), masterKey);
        return new MasterKeyAuthenticator(state);
    }
}
