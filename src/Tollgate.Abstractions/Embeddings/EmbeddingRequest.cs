namespace Tollgate.Embeddings;

/// <summary>The canonical embeddings request.</summary>
public sealed class EmbeddingRequest
{
    /// <summary>The model name: the client's before routing, the deployment's after.</summary>
    public required string Model { get; set; }

    /// <summary>The texts to embed, in order.</summary>
    public required IList<string> Inputs { get; init; }

    /// <summary>The vector size, for models that can shorten their vectors.</summary>
    public int? Dimensions { get; set; }

    /// <summary>The encoding the client wants.</summary>
    public EmbeddingEncoding Encoding { get; set; }

    /// <summary>The end user's id.</summary>
    public string? User { get; set; }
}
