namespace Tollgate.Core.Pipeline;

/// <summary>The rest of the pipeline, as seen by a stage.</summary>
public delegate Task GatewayDelegate(GatewayContext context);
