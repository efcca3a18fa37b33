using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>Reads <c>tollgate.yaml</c>: parses, interpolates environment references, and validates.</summary>
/// <remarks>
/// Never throws for a bad file: every problem becomes a <see cref="ConfigError"/> with its path and, where it
/// has one, its line and column, and all of them are reported at once.
/// </remarks>
public static class ConfigLoader
{
    /// <summary>Parses <paramref name="yaml"/>.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="sourcePath">Where it came from, kept as <see cref="TollgateConfig.SourcePath"/>.</param>
    /// <param name="providerTypes">The provider types that exist, with the type-specific keys each accepts.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see langword="null"/> when unset.</param>
    public static ConfigLoadResult Parse(
        string yaml,
        string? sourcePath,
        IReadOnlyDictionary<string, IReadOnlyList<ProviderSetting>> providerTypes,
        Func<string, string?> getEnvironmentVariable)
    {
        var stream = new YamlStream();
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(filter);
        }
        catch (YamlException ex)
        {
            var error = new ConfigError(string.Empty, DescribeSyntaxError(ex), checked((int)ex.Start.Line), checked((int)ex.Start.Column));
            return new ConfigLoadResult(null, [error]);
        }

        var reader = new ConfigReader(providerTypes, getEnvironmentVariable, filter.Duplicates);
        var config = reader.Read(stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null, sourcePath);
        if (stream.Documents.Count > 1)
        {
            reader.Error(string.Empty, stream.Documents[1].RootNode.Start, "expected a single YAML document");
            config = null;
        }

        return new ConfigLoadResult(config, reader.Errors);
    }

    /// <summary>Reads and parses the file at <paramref name="path"/>; a missing or unreadable file is an error, not an exception.</summary>
    /// <param name="path">The file; <see cref="TollgateConfig.SourcePath"/> is its full path.</param>
    /// <param name="providerTypes">The provider types that exist, with the type-specific keys each accepts.</param>
    /// <param name="getEnvironmentVariable">Reads an environment variable; <see langword="null"/> when unset.</param>
    public static ConfigLoadResult LoadFile(
        string path,
        IReadOnlyDictionary<string, IReadOnlyList<ProviderSetting>> providerTypes,
        Func<string, string?> getEnvironmentVariable)
    {
        string fullPath;
        string yaml;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return new ConfigLoadResult(null, [new ConfigError(string.Empty, $"invalid config file path '{path}': {ex.Message}")]);
        }

        try
        {
            yaml = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ConfigLoadResult(null, [new ConfigError(string.Empty, $"config file '{fullPath}' not found")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ConfigLoadResult(null, [new ConfigError(string.Empty, $"cannot read config file '{fullPath}': {ex.Message}")]);
        }

        return Parse(yaml, fullPath, providerTypes, getEnvironmentVariable);
    }

    /// <summary>YamlDotNet prefixes its messages with the position, which <see cref="ConfigError"/> already carries.</summary>
    private static string DescribeSyntaxError(YamlException ex)
    {
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line: ", StringComparison.Ordinal) && marker >= 0)
        {
            message = message[(marker + 3)..];
        }

        return $"invalid YAML: {message}";
    }
}
