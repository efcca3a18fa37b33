using Tollgate.Core.Configuration;

namespace Tollgate.Server.Hosting;

/// <summary>The config file could not be used at start-up.</summary>
internal sealed class ConfigInvalidException(string? path, IReadOnlyList<ConfigError> errors)
    : Exception($"The config {(path is null ? "(built-in)" : $"file '{path}'")} has {errors.Count} error(s).")
{
    public string? Path { get; } = path;

    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
