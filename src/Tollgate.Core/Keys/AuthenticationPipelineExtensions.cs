using Tollgate.Core.Pipeline;

namespace Tollgate.Core.Keys;

/// <summary>Adds <see cref="AuthenticationHandler"/> to a pipeline.</summary>
public static class AuthenticationPipelineExtensions
{
    /// <summary>Refuses requests without a valid key.</summary>
    public static GatewayPipelineBuilder UseAuthentication(this GatewayPipelineBuilder builder) => builder.Use<AuthenticationHandler>();
}
