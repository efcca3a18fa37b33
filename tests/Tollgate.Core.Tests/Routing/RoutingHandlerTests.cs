using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Routing;
using Tollgate.Core.Tests.Testing;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Routing;

public sealed class RoutingHandlerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    private static RoutingHandler Handler() => new(new DeploymentHealthRegistry(TimeProvider.System), TimeProvider.System, new Random(1));

    [Fact]
    public async Task InvokeAsync_UnknownModel_Throws404ModelNotFound()
    {
        var snapshot = TestGateway.Snapshot();
        var called = false;

        var ex = await Assert.ThrowsAsync<GatewayException>(() => Handler().InvokeAsync(TestGateway.Context(snapshot, model: "gpt-5"), _ =>
        {
            called = true;
            return Task.CompletedTask;
        }).WaitAsync(TestTimeout));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("model_not_found", ex.Code);
        Assert.Equal("model", ex.Param);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Contains("'gpt-5'", ex.Message, StringComparison.Ordinal);
        Assert.False(called);
    }

    [Fact]
    public async Task InvokeAsync_ModelNameDiffersInCase_Throws404()
    {
        var providerConfig = TestGateway.Provider("openai");
        var config = TestGateway.Config([providerConfig], [TestGateway.Model("gpt-4o", "openai", "gpt-4o-2024-08-06")]);
        var snapshot = TestGateway.Snapshot(config, new Dictionary<string, IChatProvider> { ["openai"] = new FakeChatProvider(providerConfig) });

        var ex = await Assert.ThrowsAsync<GatewayException>(() => Handler().InvokeAsync(TestGateway.Context(snapshot, model: "GPT-4O"), _ => Task.CompletedTask).WaitAsync(TestTimeout));

        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_KnownModel_SetsTargetToFirstDeployment()
    {
        var providerConfig = TestGateway.Provider("openai");
        var provider = new FakeChatProvider(providerConfig);
        var config = TestGateway.Config([providerConfig], [TestGateway.Model("gpt-4o", "openai", "gpt-4o-2024-08-06")]);
        var snapshot = TestGateway.Snapshot(config, new Dictionary<string, IChatProvider> { ["openai"] = provider });
        var context = TestGateway.Context(snapshot, model: "gpt-4o");
        RouteTarget? seen = null;

        await Handler().InvokeAsync(context, c =>
        {
            seen = c.Target;
            return Task.CompletedTask;
        }).WaitAsync(TestTimeout);

        Assert.NotNull(seen);
        Assert.Same(provider, seen.Provider);
        Assert.Equal("gpt-4o-2024-08-06", seen.Deployment.Model);
        Assert.Same(providerConfig, seen.ProviderConfig);
        Assert.Equal("gpt-4o", seen.Model.Name);
    }
    [Fact]
    public async Task InvokeAsync_PromptOverContextWindow_PlansTheContextWindowFallback()
    {
        var providerConfig = TestGateway.Provider("openai");
        var small = TestGateway.Model("small", "openai", "small-model") with { Routing = new RoutingConfig { ContextWindow = 50, ContextWindowFallbacks = ["large"] } };
        var large = TestGateway.Model("large", "openai", "large-model");
        var config = TestGateway.Config([providerConfig], [small, large]);
        var snapshot = TestGateway.Snapshot(config, new Dictionary<string, IChatProvider> { ["openai"] = new FakeChatProvider(providerConfig) });
        var context = TestGateway.Context(snapshot, model: "small");
        var words = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor", 200));
        context.RequestBody = System.Text.Encoding.UTF8.GetBytes($$"""{"model":"small","messages":[{"role":"user","content":"{{words}}"}]}""");

        await Handler().InvokeAsync(context, _ => Task.CompletedTask).WaitAsync(TestTimeout);

        var first = context.Route!.Next();
        Assert.NotNull(first);
        Assert.Equal("large", first.Model.Name);
        Assert.Equal(FailureClass.ContextWindow, context.Route.LastFailure);
    }

    [Fact]
    public async Task InvokeAsync_ShortPrompt_PlansTheRequestedModel()
    {
        var providerConfig = TestGateway.Provider("openai");
        var small = TestGateway.Model("small", "openai", "small-model") with { Routing = new RoutingConfig { ContextWindow = 5000, ContextWindowFallbacks = ["large"] } };
        var config = TestGateway.Config([providerConfig], [small, TestGateway.Model("large", "openai", "large-model")]);
        var snapshot = TestGateway.Snapshot(config, new Dictionary<string, IChatProvider> { ["openai"] = new FakeChatProvider(providerConfig) });
        var context = TestGateway.Context(snapshot, model: "small");
        context.RequestBody = """{"model":"small","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray();

        await Handler().InvokeAsync(context, _ => Task.CompletedTask).WaitAsync(TestTimeout);

        Assert.Equal("small", context.Route!.Next()!.Model.Name);
        Assert.Equal("small-model", context.Target!.Deployment.Model);
    }
}
