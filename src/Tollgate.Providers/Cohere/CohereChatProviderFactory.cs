using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Cohere;

/// <summary>Creates <see cref="CohereChatProvider"/>s for <c>type: cohere</c>.</summary>
public sealed class CohereChatProviderFactory : IChatProviderFactory
{
    /// <inheritdoc/>
    public string Type => "cohere";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => CohereProviderOptions.Settings;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new CohereChatProvider(CohereProviderOptions.FromConfig(config, context.GetEnvironmentVariable), context);
    }
}
