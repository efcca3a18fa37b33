using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Gemini;

/// <summary>Creates <see cref="GeminiChatProvider"/>s for <c>type: gemini</c> (the Gemini API).</summary>
public sealed class GeminiChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "gemini";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => GeminiProviderOptions.GeminiSettings;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new GeminiChatProvider(GeminiProviderOptions.ForGemini(config, context), context);
    }
}
