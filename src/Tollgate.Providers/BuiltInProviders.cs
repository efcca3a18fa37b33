using Tollgate.Core.Providers;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers;

/// <summary>The provider registry: one line per provider type Tollgate ships.</summary>
public static class BuiltInProviders
{
    /// <summary>A new factory of every built-in type.</summary>
    public static IReadOnlyList<IChatProviderFactory> CreateFactories() =>
    [
        new OpenAIChatProviderFactory(),
    ];
}
