using Tollgate.Core.Configuration;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Gateway;

public sealed class GatewayStateTests
{
    [Fact]
    public void Current_BeforeApply_ThrowsAndIsNotReady()
    {
        var state = TestGateway.CreateState();

        Assert.False(state.IsReady);
        Assert.Throws<InvalidOperationException>(() => state.Current);
    }

    [Fact]
    public void Apply_NewConfig_SwapsSnapshotAndBumpsVersion()
    {
        var factory = new FakeChatProviderFactory();
        var state = TestGateway.CreateState(factory);
        var first = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk-1");

        var second = state.Apply(TestGateway.Config([TestGateway.Provider("a"), TestGateway.Provider("b")]), "sk-2");

        Assert.True(state.IsReady);
        Assert.Same(second, state.Current);
        Assert.NotSame(first, second);
        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(new[] { "a", "b" }, second.Providers.Keys.Order());
        Assert.NotEqual(first.MasterKeyDigest, second.MasterKeyDigest);
    }

    [Fact]
    public void Apply_UnchangedProviderConfig_KeepsTheSameProviderInstance()
    {
        var factory = new FakeChatProviderFactory();
        var state = TestGateway.CreateState(factory);
        var first = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk");

        var second = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk");

        Assert.Same(first.Providers["a"], second.Providers["a"]);
        Assert.Equal(1, factory.CreateCount);
    }

    [Fact]
    public void Apply_ChangedProviderConfig_CreatesANewProvider()
    {
        var factory = new FakeChatProviderFactory();
        var state = TestGateway.CreateState(factory);
        var first = state.Apply(TestGateway.Config([TestGateway.Provider("a"), TestGateway.Provider("b")]), "sk");

        var second = state.Apply(
            TestGateway.Config([TestGateway.Provider("a", baseUrl: "http://127.0.0.1:2/v1"), TestGateway.Provider("b")]),
            "sk");

        Assert.NotSame(first.Providers["a"], second.Providers["a"]);
        Assert.Same(first.Providers["b"], second.Providers["b"]);
        Assert.Equal(3, factory.CreateCount);
        Assert.Equal("http://127.0.0.1:2/v1", ((FakeChatProvider)second.Providers["a"]).Config.BaseUrl);
    }

    [Fact]
    public void Apply_ChangedTimeouts_CreatesANewProvider()
    {
        var factory = new FakeChatProviderFactory();
        var state = TestGateway.CreateState(factory);
        var first = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk");

        var changed = TestGateway.Provider("a") with { Timeouts = UpstreamTimeouts.Default with { Idle = TimeSpan.FromSeconds(5) } };
        var second = state.Apply(TestGateway.Config([changed]), "sk");

        Assert.NotSame(first.Providers["a"], second.Providers["a"]);
        Assert.Equal(2, factory.CreateCount);
    }

    [Fact]
    public void Apply_RemovedThenReaddedProvider_CreatesANewProvider()
    {
        var factory = new FakeChatProviderFactory();
        var state = TestGateway.CreateState(factory);
        var first = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk");
        state.Apply(TestGateway.EmptyConfig(), "sk");

        var third = state.Apply(TestGateway.Config([TestGateway.Provider("a")]), "sk");

        Assert.NotSame(first.Providers["a"], third.Providers["a"]);
        Assert.Equal(2, factory.CreateCount);
    }

    [Fact]
    public void Apply_UnknownProviderType_ThrowsAndKeepsPreviousSnapshot()
    {
        var state = TestGateway.CreateState(new FakeChatProviderFactory());
        var first = state.Apply(TestGateway.EmptyConfig(), "sk");

        Assert.Throws<InvalidOperationException>(() => state.Apply(TestGateway.Config([TestGateway.Provider("a", type: "nope")]), "sk"));

        Assert.Same(first, state.Current);
    }
}
