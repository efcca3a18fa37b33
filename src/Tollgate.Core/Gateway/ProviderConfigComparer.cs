using Tollgate.Core.Configuration;

namespace Tollgate.Core.Gateway;

/// <summary>Decides whether a provider's config changed between two versions (records compare dictionaries by reference).</summary>
internal static class ProviderConfigComparer
{
    public static bool Same(ProviderConfig a, ProviderConfig b) =>
        a.Name == b.Name && a.Type == b.Type && a.BaseUrl == b.BaseUrl && a.ApiKey == b.ApiKey &&
        a.Timeouts == b.Timeouts && SameSettings(a.Settings, b.Settings);

    private static bool SameSettings(IReadOnlyDictionary<string, ConfigValue> a, IReadOnlyDictionary<string, ConfigValue> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !SameValue(value, other))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameValue(ConfigValue a, ConfigValue b) =>
        a.Scalar == b.Scalar && (a.Map is null ? b.Map is null : b.Map is not null && SameSettings(a.Map, b.Map));
}
