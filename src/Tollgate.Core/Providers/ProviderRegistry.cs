using Tollgate.Core.Configuration;

namespace Tollgate.Core.Providers;

/// <summary>The provider types the server knows, by <c>type:</c> name.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<string, IChatProviderFactory> _factories;

    /// <summary>Creates the registry from the registered factories.</summary>
    public ProviderRegistry(IEnumerable<IChatProviderFactory> factories)
    {
        _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
    }

    /// <summary>Every type's settings, for config validation.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ProviderSetting>> SettingsByType =>
        _factories.ToDictionary(kv => kv.Key, kv => kv.Value.Settings, StringComparer.Ordinal);

    /// <summary>The factory for <paramref name="type"/>; config validation guarantees it exists.</summary>
    public IChatProviderFactory Get(string type) =>
        _factories.TryGetValue(type, out var factory) ? factory : throw new InvalidOperationException($"Unknown provider type '{type}'.");
}
