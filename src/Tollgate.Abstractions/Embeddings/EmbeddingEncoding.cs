namespace Tollgate.Embeddings;

/// <summary>How vectors are encoded in the response.</summary>
public enum EmbeddingEncoding
{
    /// <summary>JSON arrays of numbers.</summary>
    Float,

    /// <summary>Base64 of little-endian float32 values (OpenAI <c>encoding_format: base64</c>).</summary>
    Base64,
}
