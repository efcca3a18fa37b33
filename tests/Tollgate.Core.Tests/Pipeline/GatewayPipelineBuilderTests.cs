using Tollgate.Core.Pipeline;
using Tollgate.Core.Tests.Testing;

namespace Tollgate.Core.Tests.Pipeline;

public sealed class GatewayPipelineBuilderTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Build_Stages_RunInTheOrderAddedAroundTheTerminal()
    {
        var log = new List<string>();
        var second = new RecordingHandler("second", log);
        var builder = new GatewayPipelineBuilder(new FakeServiceProvider(second))
            .Use(new RecordingHandler("first", log))
            .Use<RecordingHandler>()
            .UseRequestReader(_ =>
            {
                log.Add("read");
                return Task.CompletedTask;
            })
            .Use(new RecordingHandler("third", log));

        var pipeline = builder.Build(_ =>
        {
            log.Add("terminal");
            return Task.CompletedTask;
        });
        await pipeline(TestGateway.Context()).WaitAsync(TestTimeout);

        Assert.Equal(
            new[] { "first:in", "second:in", "read", "third:in", "terminal", "third:out", "second:out", "first:out" },
            log);
    }

    [Fact]
    public async Task Build_StageThatDoesNotCallNext_ShortCircuits()
    {
        var log = new List<string>();
        var pipeline = new GatewayPipelineBuilder(new FakeServiceProvider())
            .Use(new StopHandler())
            .Use(new RecordingHandler("later", log))
            .Build(_ =>
            {
                log.Add("terminal");
                return Task.CompletedTask;
            });

        await pipeline(TestGateway.Context()).WaitAsync(TestTimeout);

        Assert.Empty(log);
    }

    [Fact]
    public async Task Build_NoStages_CallsTerminal()
    {
        var called = 0;
        var pipeline = new GatewayPipelineBuilder(new FakeServiceProvider()).Build(_ =>
        {
            called++;
            return Task.CompletedTask;
        });

        await pipeline(TestGateway.Context()).WaitAsync(TestTimeout);

        Assert.Equal(1, called);
    }

    [Fact]
    public void Use_UnregisteredHandlerType_Throws()
    {
        var builder = new GatewayPipelineBuilder(new FakeServiceProvider());

        Assert.Throws<InvalidOperationException>(() => builder.Use<RecordingHandler>());
    }

    private sealed class RecordingHandler(string name, List<string> log) : IGatewayHandler
    {
        public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
        {
            log.Add($"{name}:in");
            await next(context);
            log.Add($"{name}:out");
        }
    }

    private sealed class StopHandler : IGatewayHandler
    {
        public Task InvokeAsync(GatewayContext context, GatewayDelegate next) => Task.CompletedTask;
    }
}
