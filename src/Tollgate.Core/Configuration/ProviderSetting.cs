namespace Tollgate.Core.Configuration;

/// <summary>A type-specific key a provider type accepts, with its type, for validation and the config reference.</summary>
/// <param name="Key">The YAML key.</param>
/// <param name="Kind">Its type; a <see cref="ConfigValueKind.Map"/>'s values are checked against <paramref name="MapValueKind"/>.</param>
/// <param name="Description">One line for the config reference.</param>
/// <param name="MapValueKind">The type of a map's values.</param>
public sealed record ProviderSetting(string Key, ConfigValueKind Kind, string Description, ConfigValueKind MapValueKind = ConfigValueKind.String);
