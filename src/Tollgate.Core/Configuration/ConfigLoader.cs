using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>Reads <c>tollgate.yaml</c>: parses, interpolates environment references, and validates.</summary>
/// <remarks>
/// Never throws for a bad file: every problem becomes a <see cref="ConfigError"/> with its path and, where it
/// has one, its line and column, and all of them are reported at once.
/// </remarks>
public static partial class ConfigLoader
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
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(QuoteFlowPlaceholders(yaml))));
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

    /// <summary>
    /// Quotes each <c>${VAR}</c> placeholder that is a whole value inside a flow mapping or sequence
    /// (<c>{ api_key: ${KEY}, region: us-east-1 }</c>). YAML forbids <c>{</c> and <c>}</c> in plain scalars there, yet
    /// that is the natural way to write a one-line provider; quoted, the value is the same string and is interpolated
    /// as usual. Placeholders in block style, inside quotes or in comments are left alone.
    /// </summary>
    internal static string QuoteFlowPlaceholders(string yaml)
    {
        if (!yaml.Contains("${", StringComparison.Ordinal) || (!yaml.Contains('{', StringComparison.Ordinal) && !yaml.Contains('[', StringComparison.Ordinal)))
        {
            return yaml;
        }

        var result = new System.Text.StringBuilder(yaml.Length + 16);
        var depth = 0;
        var i = 0;
        while (i < yaml.Length)
        {
            var c = yaml[i];
            switch (c)
            {
                case '#' when i == 0 || char.IsWhiteSpace(yaml[i - 1]):
                    var lineEnd = yaml.IndexOf('\n', i);
                    lineEnd = lineEnd < 0 ? yaml.Length : lineEnd;
                    result.Append(yaml, i, lineEnd - i);
                    i = lineEnd;
                    continue;
                case '"' or '\'' when i == 0 || yaml[i - 1] is ' ' or '\t' or '\n' or ':' or ',' or '[' or '{':
                    var close = i + 1;
                    while (close < yaml.Length && yaml[close] != c && yaml[close] != '\n')
                    {
                        close += yaml[close] == '\\' && c == '"' ? 2 : 1;
                    }

                    close = Math.Min(close, yaml.Length - 1);
                    result.Append(yaml, i, close - i + 1);
                    i = close + 1;
                    continue;
                case '$' when depth > 0 && i + 1 < yaml.Length && yaml[i + 1] == '{':
                    var end = yaml.IndexOf('}', i + 2);
                    if (end > 0 && IsWholeFlowValue(yaml, i, end))
                    {
                        result.Append('"').Append(yaml, i, end - i + 1).Append('"');
                        i = end + 1;
                        continue;
                    }

                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth = Math.Max(0, depth - 1);
                    break;
            }

            result.Append(c);
            i++;
        }

        return result.ToString();
    }

    // The placeholder starts a value (after ':', ',', '[' or '{' and blanks) and ends one (before ',', '}' or ']').
    private static bool IsWholeFlowValue(string yaml, int start, int end)
    {
        var before = start - 1;
        while (before >= 0 && yaml[before] is ' ' or '\t' or '\n' or '\r')
        {
            before--;
        }

        var after = end + 1;
        while (after < yaml.Length && yaml[after] is ' ' or '\t' or '\n' or '\r')
        {
            after++;
        }

        return before >= 0 && yaml[before] is ':' or ',' or '[' or '{' && after < yaml.Length && yaml[after] is ',' or '}' or ']';
    }
}
