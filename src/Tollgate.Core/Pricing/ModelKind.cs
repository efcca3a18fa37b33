namespace Tollgate.Core.Pricing;

/// <summary>What a priced model produces; embedding models have no output price.</summary>
public enum ModelKind
{
    /// <summary>A chat (text generation) model: input and output are priced.</summary>
    Chat,

    /// <summary>An embedding model: only input is priced.</summary>
    Embedding,
}
