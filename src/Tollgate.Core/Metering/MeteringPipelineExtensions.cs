using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Metering;

/// <summary>Adds <see cref="MeteringHandler"/> to a pipeline.</summary>
public static class MeteringPipelineExtensions
{
    /// <summary>Records usage of everything after this stage.</summary>
    public static GatewayPipelineBuilder UseMetering(this GatewayPipelineBuilder builder) => builder.Use<MeteringHandler>();
}
