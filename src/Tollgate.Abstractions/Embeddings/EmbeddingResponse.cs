namespace Tollgate.Embeddings;

/// <summary>The canonical embeddings response: one vector per input, in input order.</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="Vectors">The vectors.</param>
/// <param name="InputTokens">Tokens consumed.</param>
public sealed record EmbeddingResponse(string Model, IList<float[]> Vectors, long InputTokens);
