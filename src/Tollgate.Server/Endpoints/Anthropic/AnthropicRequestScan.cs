namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>What the pass-through path needs from an Anthropic request body, found without building a document.</summary>
/// <param name="Model">The <c>model</c> value.</param>
/// <param name="ModelStart">Offset of the model value's opening quote.</param>
/// <param name="ModelEnd">Offset just past its closing quote.</param>
/// <param name="Stream">The <c>stream</c> value.</param>
internal readonly record struct AnthropicRequestScan(string Model, int ModelStart, int ModelEnd, bool Stream);
