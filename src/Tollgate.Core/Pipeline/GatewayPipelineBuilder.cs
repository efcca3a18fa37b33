using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Core.Pipeline;

/// <summary>Composes stages, first added runs first, around a terminal step.</summary>
public sealed class GatewayPipelineBuilder(IServiceProvider services)
{
    private readonly List<IGatewayHandler> _stages = [];

    /// <summary>The container stages are resolved from.</summary>
    public IServiceProvider Services => services;

    /// <summary>Adds a stage resolved from the container.</summary>
    public GatewayPipelineBuilder Use<THandler>()
        where THandler : IGatewayHandler
    {
        _stages.Add(services.GetRequiredService<THandler>());
        return this;
    }

    /// <summary>Adds a stage instance.</summary>
    public GatewayPipelineBuilder Use(IGatewayHandler handler)
    {
        _stages.Add(handler);
        return this;
    }

    /// <summary>Adds the surface's request-reading step.</summary>
    public GatewayPipelineBuilder UseRequestReader(GatewayDelegate readRequest) => Use(new RequestReaderHandler(readRequest));

    /// <summary>Builds the delegate that runs every stage, then <paramref name="terminal"/>.</summary>
    public GatewayDelegate Build(GatewayDelegate terminal)
    {
        var next = terminal;
        for (var i = _stages.Count - 1; i >= 0; i--)
        {
            var stage = _stages[i];
            var following = next;
            next = context => stage.InvokeAsync(context, following);
        }

        return next;
    }
}
