using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tollgate.Core.Configuration;

/// <summary>Typed values, names and error helpers for single YAML nodes.</summary>
internal sealed partial class ConfigReader
{
    private string? ReadUrl(YamlNode node, string path)
    {
        var text = ReadOptionalString(node, path);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Error(path, node.Start, $"expected an absolute http or https URL, got '{text}'");
            return null;
        }

        return text;
    }

    /// <summary>An optional string: <see langword="null"/> when absent, YAML null, empty after interpolation, or in error.</summary>
    private string? ReadOptionalString(YamlNode node, string path) => ReadScalar(node, path, ConfigValueKind.String);

    /// <summary>A required string: an error when YAML null or empty after interpolation.</summary>
    private string? ReadRequiredString(YamlNode node, string path)
    {
        if (!TryReadText(node, path, ConfigValueKind.String, out var text))
        {
            return null;
        }

        if (string.IsNullOrEmpty(text))
        {
            Error(path, node.Start, "must not be empty");
            return null;
        }

        return text;
    }

    /// <summary>
    /// A scalar of <paramref name="kind"/>, interpolated and checked; <see langword="null"/> when unset
    /// (YAML null or empty after interpolation) or in error.
    /// </summary>
    private string? ReadScalar(YamlNode node, string path, ConfigValueKind kind)
    {
        if (!TryReadText(node, path, kind, out var text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        var valid = kind switch
        {
            ConfigValueKind.Integer => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            ConfigValueKind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d),
            ConfigValueKind.Boolean => ConfigValue.FromScalar(text).AsBoolean() is not null,
            ConfigValueKind.Duration => DurationParser.TryParse(text, out _),
            _ => true,
        };
        if (!valid)
        {
            Error(path, node.Start, $"expected {Describe(kind)}, got '{text}'");
            return null;
        }

        return text;
    }

    /// <summary>An integer greater than 0; <see langword="null"/> when unset or in error (a 0 or negative value is one).</summary>
    private long? ReadPositiveInteger(YamlNode node, string path)
    {
        if (ReadScalar(node, path, ConfigValueKind.Integer) is not { } text)
        {
            return null;
        }

        var value = long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (value <= 0)
        {
            Error(path, node.Start, "must be greater than 0");
            return null;
        }

        return value;
    }

    /// <summary>The interpolated text of a scalar; <see langword="false"/> when an error was recorded.</summary>
    private bool TryReadText(YamlNode node, string path, ConfigValueKind kind, out string? text)
    {
        text = null;
        if (node is not YamlScalarNode scalar)
        {
            Error(path, node.Start, $"expected {Describe(kind)}");
            return false;
        }

        if (IsNull(scalar))
        {
            return true;
        }

        if (!EnvironmentInterpolator.TryInterpolate(scalar.Value ?? string.Empty, getEnvironmentVariable, out text, out var error))
        {
            Error(path, node.Start, error);
            return false;
        }

        return true;
    }

    /// <summary>A mapping's entries in file order; reports non-string keys and the duplicates the parser dropped.</summary>
    private List<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string path)
    {
        if (duplicates.TryGetValue(map.Start.Index, out var dropped))
        {
            foreach (var key in dropped)
            {
                Error(Join(path, key.Value), key.Start, $"duplicate key '{key.Value}'");
            }
        }

        var entries = new List<(string, YamlNode, YamlNode)>(map.Children.Count);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is YamlScalarNode { Value: { } key })
            {
                entries.Add((key, keyNode, value));
            }
            else
            {
                Error(path, keyNode.Start, "expected a string key");
            }
        }

        return entries;
    }

    private bool CheckName(string parentPath, string path, YamlNode keyNode, string name)
    {
        if (name.Length == 0)
        {
            Error(parentPath, keyNode.Start, "name must not be empty");
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or ':' or '/'))
            {
                Error(path, keyNode.Start, $"invalid name '{name}': use letters, digits, '.', '-', '_', ':' or '/'");
                return false;
            }
        }

        return true;
    }

    private void UnknownKey(string path, YamlNode keyNode, string key, IEnumerable<string> known) =>
        Error(Join(path, key), keyNode.Start, $"unknown key '{key}'{KeySuggester.Hint(key, known)}");

    private static ProviderSetting? FindSetting(IReadOnlyList<ProviderSetting> settings, string key)
    {
        foreach (var setting in settings)
        {
            if (setting.Key == key)
            {
                return setting;
            }
        }

        return null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(ConfigValueKind kind) => kind switch
    {
        ConfigValueKind.Integer => "an integer",
        ConfigValueKind.Number => "a number",
        ConfigValueKind.Boolean => "true or false",
        ConfigValueKind.Duration => "a duration such as 500ms, 10s or 2m",
        ConfigValueKind.Map => "a mapping",
        _ => "a string",
    };
}
