using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Mistral;

/// <summary>Creates <see cref="MistralChatProvider"/>s for <c>type: mistral</c>.</summary>
public sealed class MistralChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "mistral";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => MistralProviderOptions.Settings;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new MistralChatProvider(MistralProviderOptions.FromConfig(config, context.GetEnvironmentVariable), context);
    }
}
