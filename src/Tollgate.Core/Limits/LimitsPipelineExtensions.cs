using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Limits;

/// <summary>Adds <see cref="LimitsHandler"/> to a pipeline.</summary>
public static class LimitsPipelineExtensions
{
    /// <summary>Holds requests to model access, rate limits and budgets.</summary>
    public static GatewayPipelineBuilder UseLimits(this GatewayPipelineBuilder builder) => builder.Use<LimitsHandler>();
}
