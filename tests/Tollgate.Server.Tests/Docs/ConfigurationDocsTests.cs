using Tollgate.Providers;

namespace Tollgate.Server.Tests.Docs;

/// <summary>Keeps docs/configuration.md in step with the provider types the server ships.</summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public void ConfigurationReference_EveryProviderTypeAndSetting_IsDocumented()
    {
        var docs = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "docs", "configuration.md"));
        var missing = new List<string>();
        foreach (var factory in BuiltInProviders.CreateFactories())
        {
            var section = $"### `type: {factory.Type}`";
            var start = docs.IndexOf(section, StringComparison.Ordinal);
            if (start < 0)
            {
                missing.Add(section);
                continue;
            }

            var end = docs.IndexOf("\n### ", start + section.Length, StringComparison.Ordinal);
            var body = end < 0 ? docs[start..] : docs[start..end];
            missing.AddRange(factory.Settings
                .Where(setting => !body.Contains($"| `{setting.Key}` |", StringComparison.Ordinal))
                .Select(setting => $"{factory.Type}.{setting.Key}"));
        }

        Assert.Empty(missing);
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
}
