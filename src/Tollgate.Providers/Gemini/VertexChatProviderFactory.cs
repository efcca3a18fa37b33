using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Gemini;

/// <summary>Creates <see cref="GeminiChatProvider"/>s for <c>type: vertex</c> (Gemini on Google Cloud Vertex AI).</summary>
public sealed class VertexChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "vertex";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => GeminiProviderOptions.VertexSettings;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new GeminiChatProvider(GeminiProviderOptions.ForVertex(config, context), context);
    }
}
