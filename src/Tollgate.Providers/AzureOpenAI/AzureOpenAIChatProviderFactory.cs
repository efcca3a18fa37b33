using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.AzureOpenAI;

/// <summary>
/// Creates <c>type: azure-openai</c> providers: an <see cref="OpenAIChatProvider"/> with Azure's per-deployment URLs,
/// <c>api-version</c>, <c>api-key</c> (or Entra ID bearer) authentication and content-filter errors, so OpenAI clients
/// keep the byte pass-through.
/// </summary>
public sealed class AzureOpenAIChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "azure-openai";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => AzureOpenAIProviderOptions.Settings;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new OpenAIChatProvider(config.Name, AzureOpenAIProviderOptions.FromConfig(config, context.GetEnvironmentVariable), context);
    }
}
