using Tollgate.Core.Configuration;
using Tollgate.Providers;

namespace Tollgate.Core.Providers;

/// <summary>Creates providers of one config <c>type:</c>. Registered once per type in the provider registry.</summary>
public interface IChatProviderFactory
{
    /// <summary>The <c>type:</c> value, such as <c>openai</c>.</summary>
    string Type { get; }

    /// <summary>The type-specific keys it accepts; any other key is a config error.</summary>
    IReadOnlyList<ProviderSetting> Settings { get; }

    /// <summary>Creates a provider for one config entry. Called again for each config version that changes it.</summary>
    IChatProvider Create(ProviderConfig config, ProviderContext context);
}
