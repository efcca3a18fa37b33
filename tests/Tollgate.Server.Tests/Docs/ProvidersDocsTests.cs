using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Server.Tests.Docs;

/// <summary>
/// Keeps docs/providers.md true: every provider type has a section whose YAML example is a valid config, and whose
/// capability table matches, row for row, the <see cref="ProviderCapabilities"/> of a provider built from that example.
/// </summary>
public sealed partial class ProvidersDocsTests
{
    private static readonly PropertyInfo[] CapabilityProperties = typeof(ProviderCapabilities).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    public static TheoryData<string> ProviderTypes()
    {
        var data = new TheoryData<string>();
        foreach (var factory in BuiltInProviders.CreateFactories())
        {
            data.Add(factory.Type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProviderTypes))]
    public void ProvidersDoc_SectionOfEachType_MatchesTheProviderCapabilities(string type)
    {
        // Step 1: the section and its parts.
        var section = Section(type);
        var yaml = YamlBlock().Match(section);
        Assert.True(yaml.Success, $"docs/providers.md: the section of type '{type}' has no ```yaml example.");
        var documented = CapabilityRow().Matches(section).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

        // Step 2: the example is a valid config (every ${VAR} set to a placeholder) whose provider is of this type.
        var registry = new ProviderRegistry(BuiltInProviders.CreateFactories());
        var result = ConfigLoader.Parse(yaml.Groups["yaml"].Value, "docs/providers.md", registry.SettingsByType, _ => "placeholder-value");
        Assert.True(result.Success, $"docs/providers.md, type '{type}': the example is not a valid config: {string.Join("; ", result.Errors.Select(e => e.ToString()))}");
        var (name, providerConfig) = Assert.Single(result.Config!.Providers, p => p.Value.Type == type);
        using var http = new HttpMessageInvoker(new SocketsHttpHandler());
        var provider = registry.Get(type).Create(providerConfig, new ProviderContext(http, TimeProvider.System, new Random(1), NullLoggerFactory.Instance));

        // Step 3: one row per capability, each equal to the provider's.
        var mismatches = new List<string>();
        foreach (var property in CapabilityProperties)
        {
            var actual = Describe(property.GetValue(provider.Capabilities));
            if (!documented.TryGetValue(property.Name, out var value))
            {
                mismatches.Add($"no row for `{property.Name}` (the provider says '{actual}')");
            }
            else if (!string.Equals(value, actual, StringComparison.OrdinalIgnoreCase))
            {
                mismatches.Add($"`{property.Name}` is documented as '{value}', the provider '{name}' says '{actual}'");
            }
        }

        mismatches.AddRange(documented.Keys.Where(k => CapabilityProperties.All(p => p.Name != k)).Select(k => $"row `{k}` is not a capability"));
        Assert.True(mismatches.Count == 0, $"docs/providers.md, type '{type}':\n" + string.Join("\n", mismatches));
    }

    private static string Describe(object? value) => value switch
    {
        bool b => b ? "yes" : "no",
        null => "none",
        _ => value.ToString()!,
    };

    private static string Section(string type)
    {
        var docs = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "docs", "providers.md"));
        var heading = $"(`type: {type}`)";
        var start = docs.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/providers.md has no section headed with {heading}.");
        var end = docs.IndexOf("\n## ", start, StringComparison.Ordinal);
        return end < 0 ? docs[start..] : docs[start..end];
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tollgate.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Tollgate.slnx not found above the test's folder.");
    }

    [GeneratedRegex("```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    // A capability row: | description (`Name`) | value | notes |
    [GeneratedRegex(@"^\|[^|\n]*\(`(?<name>[A-Za-z]+)`\)\s*\|(?<value>[^|\n]*)\|", RegexOptions.Multiline)]
    private static partial Regex CapabilityRow();
}
