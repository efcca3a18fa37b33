using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.OpenAI;

/// <summary>Creates <c>type: openai</c> providers: OpenAI and every OpenAI-compatible host.</summary>
public sealed class OpenAIChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "openai";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => OpenAIProviderOptions.Settings;

    /// <inheritdoc/>
    public Tollgate.Providers.IChatProvider Create(ProviderConfig config, ProviderContext context) =>
        new OpenAIChatProvider(config.Name, OpenAIProviderOptions.FromConfig(config), context);
}
