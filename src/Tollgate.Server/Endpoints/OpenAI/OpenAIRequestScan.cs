namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>What the pass-through path needs from an OpenAI request body, found without building a document.</summary>
/// <param name="Model">The <c>model</c> value.</param>
/// <param name="ModelStart">Offset of the model value's opening quote.</param>
/// <param name="ModelEnd">Offset just past its closing quote.</param>
/// <param name="Stream">The <c>stream</c> value.</param>
/// <param name="HasStreamOptions">Whether <c>stream_options</c> is present, even as null (then Tollgate leaves it as the client wrote it).</param>
/// <param name="IncludeUsage">The client's <c>stream_options.include_usage</c>.</param>
internal readonly record struct OpenAIRequestScan(string Model, int ModelStart, int ModelEnd, bool Stream, bool HasStreamOptions, bool IncludeUsage);
