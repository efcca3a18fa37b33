namespace Tollgate.Core.Configuration;

/// <summary>The outcome of loading a config: the config, or every problem found in it.</summary>
/// <param name="Config">The parsed config; <see langword="null"/> when there are errors.</param>
/// <param name="Errors">Every problem found, in file order within each section.</param>
public sealed record ConfigLoadResult(TollgateConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether the config loaded with no errors.</summary>
    public bool Success => Config is not null && Errors.Count == 0;
}
